-- A lawyer takes an offer: OFFERED → CONNECTED. Of two accepts of one offer exactly one finds it.
-- KEYS[1] {c}:session:<sid>  KEYS[2] {c}:agent:<aid>
-- A[1] offer_id  A[2] aid
-- Returns {state, session}.
return once(function()
  local offer_id, aid = A[1], A[2]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.state ~= 'OFFERED' or s.offer_id ~= offer_id or s.offered_to ~= aid then
    return fail('OFFER_GONE', 'the offer was taken, withdrawn or timed out')
  end
  local a = hash(KEYS[2])
  if not a then return fail('INVALID_STATE', 'lawyer is not signed in to routing') end
  local load = tonumber(a.load or '0')
  if tonumber(a.calls or '0') > 0 or load >= tonumber(a.chat_capacity or '0') or (s.channel == 'PHONE' and load > 0) then
    return fail('TOO_MANY_SESSIONS', 'the lawyer is at capacity')
  end
  local now = now_ms()
  local sid = s.id
  local waited = now - tonumber(s.enqueued_ms)
  local first = first_wait(s)
  redis.call('HSET', KEYS[1], 'state', 'CONNECTED', 'lawyer', aid, 'lawyer_name', a.name or '', 'offer_id', '',
    'offered_to', '')
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid, 'rematch:' .. sid, 'wait:' .. sid)
  local today = day_of(now)
  redis.call('HSET', KEYS[2], 'offer_sid', '', 'misses', 0, 'today_day', today, 'today_count',
    sessions_today(a, now) + 1)
  redis.call('HINCRBY', KEYS[2], 'load', 1)
  if s.channel == 'PHONE' then redis.call('HSET', KEYS[2], 'calls', 1) end
  redis.call('SADD', KEYS[2] .. ':sessions', sid)
  if first then
    redis.call('HSET', KEYS[1], 'answered_ms', now)
    count(s, 'answered')
    count(s, 'waiting', -1)
    count(s, 'wait_ms', waited)
    if waited <= S.sl_ms then count(s, 'answered_in_sl') end
    count_max(s, 'longest_wait_ms', waited)
  end
  event('answered', sid, 'agent', aid, 'waited_ms', waited, 'first_wait', first and '1' or '0')
  refresh_ready(aid, now)
  session_changed(sid)
  agent_changed(aid)
  match_agent(aid, now)
  return {'state', 'CONNECTED', 'session', sid}
end)
