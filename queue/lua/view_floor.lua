-- Read only: the floor at a glance for /metrics and the wallboard, at a cost of O(skills + lawyers)
-- whatever the number of callers waiting (view_queue reads every live session).
-- KEYS[1] {c}:agents
-- A[1..] the skills to report ("category:language"); a skill only found ringing is reported too
-- Returns {{skill, waiting, oldest enqueued_ms ('' when none waits), ...}, {agent fields, ...}} with
-- each lawyer's id, status and load as view_queue's agent fields.
-- Waiting means QUEUED (in {c}:queued_since:<skill>, by arrival) or OFFERED (ringing one lawyer, out
-- of the queue: found through the lawyers' offer_sid).
local skills, waiting, oldest = {}, {}, {}
local function add(skill, count, at)
  if waiting[skill] == nil then
    skills[#skills + 1] = skill
    waiting[skill] = 0
  end
  waiting[skill] = waiting[skill] + count
  if at and (not oldest[skill] or at < oldest[skill]) then oldest[skill] = at end
end

for _, skill in ipairs(A) do
  local key = P .. 'queued_since:' .. skill
  local head = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  add(skill, redis.call('ZCARD', key), tonumber(head[2]))
end

local agents = {}
for _, aid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local a = redis.call('HMGET', agent_key(aid), 'status', 'load', 'offer_sid')
  if a[1] then
    agents[#agents + 1] = {'id', aid, 'status', a[1], 'load', a[2] or '0'}
    if a[3] and a[3] ~= '' then
      local s = redis.call('HMGET', session_key(a[3]), 'state', 'skill', 'enqueued_ms')
      if s[1] == 'OFFERED' then add(s[2], 1, tonumber(s[3])) end
    end
  end
end

local rows = {}
for _, skill in ipairs(skills) do
  rows[#rows + 1] = skill
  rows[#rows + 1] = waiting[skill]
  rows[#rows + 1] = oldest[skill] and tostring(oldest[skill]) or ''
end
return {rows, agents}
