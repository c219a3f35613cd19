-- Read only: open tickets, the nearest reply deadline first.
-- KEYS[1] {c}:tickets:open
-- A[1] the most to return
-- Returns {ticket fields, ...}.
local list = {}
for _, tid in ipairs(redis.call('ZRANGE', KEYS[1], 0, (tonumber(A[1]) or 100) - 1)) do
  local flat = redis.call('HGETALL', P .. 'ticket:' .. tid)
  if #flat > 0 then list[#list + 1] = flat end
end
return list
