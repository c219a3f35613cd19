-- The archiver's lease: one node at a time writes the archive; the others wait for it to lapse.
-- KEYS[1] {c}:archiver:lease
-- A[1] node id  A[2] lease ms
-- Returns {held, 1|0}.
local node, ms = A[1], tonumber(A[2])
if redis.call('GET', KEYS[1]) == node then
  redis.call('PEXPIRE', KEYS[1], ms)
  return {'held', 1}
end
if redis.call('SET', KEYS[1], node, 'NX', 'PX', ms) then return {'held', 1} end
return {'held', 0}
