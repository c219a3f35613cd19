-- Read only: the tail of a queue's line from a place on, and the lawyers on duty who may take it,
-- read once per tick per changed queue for the place-in-line pushes (instead of once per caller
-- per change).
-- KEYS[1] {c}:queue:<skill>
-- A[1] the first place to read, 0-based (the smallest place a change since the last tick moved)
-- Returns {staffed, {sid, sid, …}}, the session at place A[1] first.
local skill = string.sub(KEYS[1], #P + #'queue:' + 1)
local staffed = staffed_for({skill = skill, language = string.match(skill, ':([^:]+)$') or ''})
return {staffed, redis.call('ZRANGE', KEYS[1], tonumber(A[1]) or 0, -1)}
