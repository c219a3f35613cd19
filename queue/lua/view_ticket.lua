-- Read only: one ticket, and for a duplicate the ticket it repeats (whose reply it shows).
-- KEYS[1] {c}:ticket:<tid>
-- Returns {ticket fields, original's fields (empty unless a duplicate)}, or {} when there is none.
local t = hash(KEYS[1])
if not t then return {} end
local original = {}
if (t.duplicate_of or '') ~= '' then original = redis.call('HGETALL', P .. 'ticket:' .. t.duplicate_of) end
return {redis.call('HGETALL', KEYS[1]), original}
