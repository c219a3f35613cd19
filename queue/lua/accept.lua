-- A lawyer takes an offer: OFFERED → CONNECTED. Of two accepts of one offer exactly one finds it.
-- KEYS[1] {c}:session:<sid>  KEYS[2] {c}:agent:<aid>
-- ARGV[9] offer_id  ARGV[10] aid
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
  local now = now_ms()
  local sid = s.id
  local waited = now - tonumber(s.enqueued_ms)
  redis.call('HSET', KEYS[1], 'state', 'CONNECTED', 'lawyer', aid, 'lawyer_name', a.name or '', 'answered_ms', now,
    'offer_id', '', 'offered_to', '')
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid, 'rematch:' .. sid)
  redis.call('HSET', KEYS[2], 'offer_sid', '', 'misses', 0)
  redis.call('HINCRBY', KEYS[2], 'load', 1)
  redis.call('SADD', KEYS[2] .. ':sessions', sid)
  count(s, 'answered')
  count(s, 'waiting', -1)
  count(s, 'wait_ms', waited)
  if waited <= S.sl_ms then count(s, 'answered_in_sl') end
  count_max(s, 'longest_wait_ms', waited)
  event('answered', sid, 'agent', aid, 'waited_ms', waited)
  refresh_ready(aid)
  notify('s', sid)
  notify('a', aid)
  match_agent(aid, now)
  return {'state', 'CONNECTED', 'session', sid}
end)
