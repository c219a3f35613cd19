-- A lawyer's presence: AVAILABLE / AWAY / OFFLINE, with the profile routing needs (name, skills,
-- chat capacity) refreshed from the accounts module on every change. Leaving AVAILABLE withdraws a
-- pending offer (back to the queue at its place, not counted as a miss).
-- KEYS[1] {c}:agent:<aid>
-- ARGV[9] aid  ARGV[10] status  ARGV[11] name  ARGV[12] skills (comma separated)  ARGV[13] chat_capacity
-- ARGV[14] reason
return once(function()
  local aid, status, name, skills, capacity, reason = A[1], A[2], A[3], A[4], tonumber(A[5]), A[6]
  if status ~= 'AVAILABLE' and status ~= 'AWAY' and status ~= 'OFFLINE' then
    return fail('BAD_REQUEST', 'unknown status')
  end
  if not capacity or capacity < 1 then return fail('BAD_REQUEST', 'bad capacity') end
  local now = now_ms()
  local before = hash(KEYS[1]) or {}
  -- Leave the ready sets of the old skills first: the skills may have changed.
  for _, skill in ipairs(skills_of(before)) do
    redis.call('ZREM', P .. 'ready:' .. skill, aid)
    redis.call('SREM', P .. 'staffed:' .. skill, aid)
  end
  redis.call('HSET', KEYS[1], 'id', aid, 'name', name, 'skills', skills, 'chat_capacity', capacity, 'status', status,
    'status_reason', reason, 'status_ms', now)
  if before.status ~= 'AVAILABLE' and status == 'AVAILABLE' then
    redis.call('HSET', KEYS[1], 'idle_since_ms', now, 'misses', 0)
  end
  if not before.load then redis.call('HSET', KEYS[1], 'load', 0, 'offer_sid', '') end
  if before.status ~= status then event('agent_status', '', 'agent', aid, 'status', status, 'reason', reason) end
  local pending = before.offer_sid or ''
  if status ~= 'AVAILABLE' and pending ~= '' then
    local s = hash(session_key(pending))
    if s and s.state == 'OFFERED' and s.offered_to == aid then requeue(pending, s, now, 'withdrawn', false) end
  end
  refresh_ready(aid)
  notify('a', aid)
  match_agent(aid, now)
  return {'status', status}
end)
