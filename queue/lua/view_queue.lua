-- Read only: the supervisor's picture of routing — every live session and every lawyer.
-- KEYS[1] {c}:live
-- Returns {{session fields + position + staffed, ...}, {agent fields + sessions_today, ...}}.
local sessions = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local flat = redis.call('HGETALL', session_key(sid))
  if #flat > 0 then
    local s = hash(session_key(sid))
    local rank = s.state == 'QUEUED' and redis.call('ZRANK', P .. 'queue:' .. s.skill, sid) or nil
    flat[#flat + 1] = 'position'
    flat[#flat + 1] = tostring(rank and rank + 1 or 0)
    flat[#flat + 1] = 'staffed'
    flat[#flat + 1] = tostring(staffed_for(s))
    sessions[#sessions + 1] = flat
  end
end
local agents = {}
for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local flat = redis.call('HGETALL', agent_key(aid))
  if #flat > 0 then
    flat[#flat + 1] = 'sessions_today'
    flat[#flat + 1] = tostring(sessions_today(hash(agent_key(aid)), now_ms()))
    flat[#flat + 1] = 'phone_registered'
    flat[#flat + 1] = phone_ready(aid) and '1' or '0'
    agents[#agents + 1] = flat
  end
end
return {sessions, agents}
