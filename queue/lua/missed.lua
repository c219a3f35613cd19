-- A lawyer's phone did not take a call offered to it: no answer within the ring time, busy, or not
-- reachable (unregistered). A report older than the offer it names is stale and changes nothing.
-- KEYS[1] {c}:session:<sid>
-- A[1] aid  A[2] reason: 'no_answer', 'busy' or 'offline'  A[3] when the phone system saw it (ms)
-- Returns {state}.
return once(function()
  local aid, reason, seen_ms = A[1], A[2], tonumber(A[3]) or 0
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.state ~= 'OFFERED' or s.offered_to ~= aid or seen_ms < tonumber(s.offered_ms or '0') then
    return {'state', s.state, 'stale', '1'}
  end
  local now = now_ms()
  if reason == 'busy' then
    -- Busy is the lawyer's answer, like a decline: it ends a run of misses.
    redis.call('HSET', agent_key(aid), 'misses', 0)
    event('declined', s.id, 'agent', aid, 'reason', 'busy')
    requeue(s.id, s, now, 'busy', true)
  else
    miss_offer(s.id, s, now, reason)
  end
  return {'state', redis.call('HGET', KEYS[1], 'state')}
end)
