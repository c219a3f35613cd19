-- Read only: one session as its caller sees it, in one consistent snapshot.
-- KEYS[1] {c}:session:<sid>
-- Returns the session's fields plus position (1 = next; 0 when not waiting) and staffed (lawyers
-- AVAILABLE who may take it: its skill at either level, or its language's general pool), or an
-- empty array when there is no such session.
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {} end
local s = hash(KEYS[1])
local position = 0
if s.state == 'QUEUED' then
  local rank = redis.call('ZRANK', P .. 'queue:' .. s.skill, s.id)
  position = rank and rank + 1 or 0
end
flat[#flat + 1] = 'position'
flat[#flat + 1] = tostring(position)
flat[#flat + 1] = 'staffed'
flat[#flat + 1] = tostring(staffed_for(s))
return flat
