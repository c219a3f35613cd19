-- `hotline report rebuild --write`: one day's counters replaced by the recount from the records.
-- KEYS[1] {c}:stats:<day>
-- A[1], A[2], … pairs of a counter field and its value.
-- Returns {fields, n}.
redis.call('DEL', KEYS[1])
for i = 1, #A - 1, 2 do redis.call('HSET', KEYS[1], A[i], A[i + 1]) end
return {'fields', math.floor(#A / 2)}
