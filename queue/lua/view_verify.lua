-- Read only: checks the invariants routing promises and returns every violation found (none: {}).
-- Meant for operators (`hotline admin verify`) and tests; it reads every live key, so it is not
-- for a hot path.
-- KEYS[1] {c}:live
local problems = {}
local function problem(text) problems[#problems + 1] = text end

local in_queues = {}
for _, key in ipairs(redis.call('KEYS', P .. 'queue:*')) do
  local skill = string.sub(key, #P + 7)
  for _, sid in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    in_queues[sid] = (in_queues[sid] or 0) + 1
    local s = hash(session_key(sid))
    if not s or s.state ~= 'QUEUED' then problem(sid .. ' is in queue ' .. skill .. ' but not QUEUED') end
    if s and s.skill ~= skill then problem(sid .. ' waits for ' .. s.skill .. ' but is in queue ' .. skill) end
    if s and tonumber(redis.call('ZSCORE', P .. 'queued_since:' .. skill, sid) or '') ~= tonumber(s.enqueued_ms) then
      problem(sid .. ' is in queue ' .. skill .. ' but not at its arrival in queued_since')
    end
  end
end
for _, key in ipairs(redis.call('KEYS', P .. 'queued_since:*')) do
  local queue = P .. 'queue:' .. string.sub(key, #P + #'queued_since:' + 1)
  if redis.call('ZCARD', key) ~= redis.call('ZCARD', queue) then problem(key .. ' and ' .. queue .. ' differ') end
end
for _, key in ipairs(redis.call('KEYS', P .. 'overflow:*')) do
  for _, sid in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    if redis.call('HGET', session_key(sid), 'state') ~= 'QUEUED' then
      problem(sid .. ' is in the general pool index ' .. key .. ' but not QUEUED')
    end
  end
end

local holders = {}
for _, aid in ipairs(redis.call('SMEMBERS', P .. 'agents')) do
  local a = hash(agent_key(aid)) or {}
  local members = redis.call('SMEMBERS', agent_key(aid) .. ':sessions')
  local phone = 0
  for _, sid in ipairs(members) do
    holders[sid] = (holders[sid] or 0) + 1
    local s = hash(session_key(sid))
    if not s or (s.state ~= 'CONNECTED' and s.state ~= 'WRAP_UP') or s.lawyer ~= aid then
      problem(aid .. ' holds ' .. sid .. ' which is ' .. (s and s.state or 'missing') .. ' with ' ..
        (s and s.lawyer or ''))
    end
    if s and s.channel == 'PHONE' then phone = phone + 1 end
  end
  if tonumber(a.load or '0') ~= #members then
    problem(aid .. ' has load ' .. (a.load or '0') .. ' but holds ' .. #members)
  end
  if #members > tonumber(a.chat_capacity or '0') then problem(aid .. ' is over capacity: ' .. #members) end
  if phone > 0 and #members > 1 then problem(aid .. ' is on a call and holds other sessions') end
  if tonumber(a.calls or '0') ~= phone then problem(aid .. ' has calls=' .. (a.calls or '0') .. ' but ' .. phone) end
  local offer = a.offer_sid or ''
  if offer ~= '' then
    local s = hash(session_key(offer))
    if not s or s.state ~= 'OFFERED' or s.offered_to ~= aid then problem(aid .. ' rings for ' .. offer .. ' wrongly') end
  end
  local ready = can_take_more(a)
  for skill in pairs(skill_levels(a)) do
    local listed = redis.call('ZSCORE', P .. 'ready:' .. skill, aid) ~= false
    if listed ~= ready then problem(aid .. ' ready=' .. tostring(ready) .. ' but listed=' .. tostring(listed)) end
  end
end

local waiting = 0
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local s = hash(session_key(sid))
  local state = s and s.state or 'missing'
  local queued = in_queues[sid] or 0
  if state == 'QUEUED' or state == 'OFFERED' then
    if first_wait(s) then waiting = waiting + 1 end
  end
  if state == 'QUEUED' then
    if queued ~= 1 then problem(sid .. ' is QUEUED in ' .. queued .. ' queues') end
  elseif queued ~= 0 then
    problem(sid .. ' is ' .. state .. ' and in a queue')
  end
  if state == 'OFFERED' then
    if redis.call('HGET', agent_key(s.offered_to), 'offer_sid') ~= sid then
      problem(sid .. ' is OFFERED to ' .. s.offered_to .. ' who does not ring for it')
    end
  elseif state == 'CONNECTED' or state == 'WRAP_UP' then
    if holders[sid] ~= 1 then problem(sid .. ' is ' .. state .. ' and held by ' .. (holders[sid] or 0)) end
  elseif state ~= 'QUEUED' then
    problem(sid .. ' is live but ' .. state)
  end
end
for sid, n in pairs(holders) do
  if n > 1 then problem(sid .. ' is held by ' .. n .. ' lawyers') end
end

-- The waiting counters of all days must equal the first waits still going on.
local counted, open = 0, 0
for _, key in ipairs(redis.call('KEYS', P .. 'stats:*')) do
  local flat = redis.call('HGETALL', key)
  for i = 1, #flat, 2 do
    if string.sub(flat[i], 1, 8) == 'waiting|' then counted = counted + tonumber(flat[i + 1]) end
    if string.sub(flat[i], 1, 14) == 'messages_open|' then open = open + tonumber(flat[i + 1]) end
  end
end
if counted ~= waiting then problem('waiting counters say ' .. counted .. ' but ' .. waiting .. ' are waiting') end
local listed_open = redis.call('ZCARD', P .. 'tickets:open')
if open ~= listed_open then problem('open ticket counters say ' .. open .. ' but ' .. listed_open .. ' are open') end
return problems
