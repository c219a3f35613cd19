-- A lawyer's presence: AVAILABLE / AWAY / OFFLINE, with the profile routing needs (name, skills
-- by level, chat capacity) refreshed from the accounts module on every change. Leaving AVAILABLE,
-- or a capacity lowered to the lawyer's load, withdraws a pending offer (back to the queue at its
-- place, not counted as a miss).
-- KEYS[1] {c}:agent:<aid>
-- A[1] aid  A[2] status  A[3] name  A[4] primary skills  A[5] backup skills (comma separated)
-- A[6] chat_capacity  A[7] reason
return once(function()
  local aid, status, name, skills, backup_skills, capacity, reason = A[1], A[2], A[3], A[4], A[5], tonumber(A[6]), A[7]
  if status ~= 'AVAILABLE' and status ~= 'AWAY' and status ~= 'OFFLINE' then
    return fail('BAD_REQUEST', 'unknown status')
  end
  if not capacity or capacity < 1 then return fail('BAD_REQUEST', 'bad capacity') end
  local now = now_ms()
  local before = hash(KEYS[1]) or {}
  leave_routing_sets(aid, before)
  redis.call('HSET', KEYS[1], 'id', aid, 'name', name, 'skills', skills, 'backup_skills', backup_skills,
    'chat_capacity', capacity, 'status', status, 'status_reason', reason, 'status_ms', now)
  redis.call('SADD', P .. 'agents', aid)
  if before.status ~= 'AVAILABLE' and status == 'AVAILABLE' then
    redis.call('HSET', KEYS[1], 'idle_since_ms', now, 'misses', 0)
  end
  if not before.load then redis.call('HSET', KEYS[1], 'load', 0, 'calls', 0, 'offer_sid', '') end
  if before.status ~= status then event('agent_status', '', 'agent', aid, 'status', status, 'reason', reason) end
  local pending = before.offer_sid or ''
  local full = tonumber(before.load or '0') >= capacity
  if (status ~= 'AVAILABLE' or full) and pending ~= '' then
    local s = hash(session_key(pending))
    if s and s.state == 'OFFERED' and s.offered_to == aid then requeue(pending, s, now, 'withdrawn', false) end
  end
  refresh_ready(aid, now)
  agent_changed(aid)
  match_agent(aid, now)
  return {'status', status}
end)
