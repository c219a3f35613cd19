-- Drops archived sessions and tickets that finished before the retention cutoff, and the events
-- every consumer has acknowledged: Redis keeps live state and recent history only.
-- KEYS[1] {c}:archived
-- A[1] cutoff ms  A[2] at most this many keys  A[3] events stream MINID ('' to leave the stream)
-- Returns {trimmed, n, events, n}.
local cutoff, limit, min_id = tonumber(A[1]), tonumber(A[2]), A[3]
local trimmed = 0
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff, 'LIMIT', 0, limit)) do
  local kind, id = string.match(name, '^(%a+):(.+)$')
  if kind == 'session' and redis.call('SISMEMBER', P .. 'live', id) == 0 then
    redis.call('DEL', P .. name, P .. 'chat:' .. id)
    trimmed = trimmed + 1
  elseif kind == 'ticket' then
    -- An open ticket still waits for its answer; the answer archives it again.
    if redis.call('HGET', P .. name, 'state') ~= 'OPEN' then
      redis.call('DEL', P .. name)
      trimmed = trimmed + 1
    end
  end
  redis.call('ZREM', KEYS[1], name)
end
local events = 0
if min_id ~= '' then events = redis.call('XTRIM', P .. 'events', 'MINID', min_id) end
return {'trimmed', trimmed, 'events', events}
