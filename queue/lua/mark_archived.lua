-- The archiver committed these rows: remember when each finished, so trim can drop it later.
-- KEYS[1] {c}:archived
-- A[1], A[2], … pairs of a key without the prefix ("session:<id>", "ticket:<id>") and its finish ms.
-- Returns {marked, n}.
for i = 1, #A - 1, 2 do redis.call('ZADD', KEYS[1], tonumber(A[i + 1]), A[i]) end
return {'marked', math.floor(#A / 2)}
