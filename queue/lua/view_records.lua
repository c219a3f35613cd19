-- Read only: the raw fields of sessions and tickets, for the archive and for reports on live sessions.
-- KEYS[1] {c}:live
-- A[1..] keys without the prefix ("session:<id>", "ticket:<id>"); none: every live session.
-- Returns {{name, {field, value, ...}}, ...}; a key that no longer exists comes back with no fields.
local names = A
if #names == 0 then
  names = {}
  for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do names[#names + 1] = 'session:' .. sid end
end
local out = {}
for _, name in ipairs(names) do out[#out + 1] = {name, redis.call('HGETALL', P .. name)} end
return out
