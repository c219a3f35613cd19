-- A caller or a lawyer ends a session. The caller ending while waiting abandons it
-- (QUEUED/OFFERED → ABANDONED); either side ending a talk starts wrap-up (CONNECTED → WRAP_UP).
-- KEYS[1] {c}:session:<sid>
-- A[1] by: 'caller', 'lawyer', or for a waiting call the phone side's reason: 'queue_timeout'
-- (Kamailio's queue cap) or 'call_lost' (Kamailio has not asked about the call for too long)  A[2] aid (the lawyer's, when by = 'lawyer')
-- Returns {state}.
return once(function()
  local by, aid = A[1], A[2]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  local now = now_ms()
  if by == 'lawyer' and s.lawyer ~= aid then return fail('FORBIDDEN', 'not this lawyer\'s session') end
  local phone_side = by == 'queue_timeout' or by == 'call_lost'
  if s.state == 'CONNECTED' and not phone_side then
    end_talk(s.id, s, now, by)
    return {'state', 'WRAP_UP'}
  end
  if by ~= 'lawyer' and (s.state == 'QUEUED' or s.state == 'OFFERED') then
    abandon(s.id, s, now, phone_side and by or 'caller_left')
    return {'state', 'ABANDONED'}
  end
  return fail('INVALID_STATE', 'the session is ' .. s.state)
end)
