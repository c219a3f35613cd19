-- Shared by every queue script: prepended to each at build time (after the #!lua line).
--
-- Calling convention of every script:
--   KEYS[1]   the main key the script changes ({c}:session:<id>, {c}:agent:<id> or {c}:deadlines);
--             every other key is derived from its hash tag {c}, so a script touches one cluster slot.
--   ARGV[1..7] routing settings: ring_ms, wrap_ms, grace_ms, max_misses, service_level_ms,
--             short_abandon_ms, utc_offset_minutes
--   ARGV[8]   request id ('' for none): a retried request replays its first result
--   ARGV[9..] the script's own arguments, listed in its header
-- Results are flat {name, value, ...} arrays; failures are {err = 'CODE message'} and change nothing.

local P = string.match(KEYS[1], '^({[^}]+}:)')
if not P then return redis.error_reply('BAD_REQUEST key without a hash tag') end

local S = {
  ring_ms = tonumber(ARGV[1]),
  wrap_ms = tonumber(ARGV[2]),
  grace_ms = tonumber(ARGV[3]),
  max_misses = tonumber(ARGV[4]),
  sl_ms = tonumber(ARGV[5]),
  short_ms = tonumber(ARGV[6]),
  tz_min = tonumber(ARGV[7]),
}
local REQUEST_ID = ARGV[8]
local A = {}
for i = 9, #ARGV do A[#A + 1] = ARGV[i] end

-- An idle lawyer (load 0) always outranks a busy one; within a load, the longest idle goes first.
local LOAD_WEIGHT = 10000000000000

local function fail(code, message)
  return {err = code .. ' ' .. (message or code)}
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The centre's calendar day of a time; core/src/civil_day.cpp computes the same.
local function day_of(ms)
  local z = math.floor((ms + S.tz_min * 60000) / 86400000) + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02d', y, m, d)
end

local function hash(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

local function session_key(sid) return P .. 'session:' .. sid end
local function agent_key(aid) return P .. 'agent:' .. aid end

local function skills_of(agent)
  local list = {}
  for skill in string.gmatch(agent.skills or '', '[^,]+') do list[#list + 1] = skill end
  return list
end

local function notify(kind, id)
  redis.call('PUBLISH', P .. 'notify', kind .. ':' .. id)
end

-- Appends to the audit stream; stats can be rebuilt from it.
local function event(kind, sid, ...)
  redis.call('XADD', P .. 'events', 'MAXLEN', '~', '1000000', '*', 'type', kind, 'session', sid, ...)
end

-- Counters are booked on the day the session entered the queue, so a period's sums balance.
local function count(s, metric, by)
  redis.call('HINCRBY', P .. 'stats:' .. s.day, metric .. '|' .. s.channel .. '|' .. s.category, by or 1)
end

local function count_max(s, metric, value)
  local key, field = P .. 'stats:' .. s.day, metric .. '|' .. s.channel .. '|' .. s.category
  if value > tonumber(redis.call('HGET', key, field) or '0') then redis.call('HSET', key, field, value) end
end

-- Puts the lawyer into (or takes them out of) the ready set of each skill, matching their state.
local function refresh_ready(aid)
  local a = hash(agent_key(aid))
  if not a then return end
  local load = tonumber(a.load or '0')
  local available = a.status == 'AVAILABLE'
  local eligible = available and (a.offer_sid or '') == '' and load < tonumber(a.chat_capacity or '0')
  local score = load * LOAD_WEIGHT + tonumber(a.idle_since_ms or '0')
  for _, skill in ipairs(skills_of(a)) do
    if eligible then
      redis.call('ZADD', P .. 'ready:' .. skill, score, aid)
    else
      redis.call('ZREM', P .. 'ready:' .. skill, aid)
    end
    if available then
      redis.call('SADD', P .. 'staffed:' .. skill, aid)
    else
      redis.call('SREM', P .. 'staffed:' .. skill, aid)
    end
  end
end

-- A lawyer who declined or missed a session is skipped for it until the exclusion ends.
local function excluded(s, aid, now)
  return s.excluded_agent == aid and tonumber(s.excluded_until_ms or '0') > now
end

local function make_offer(sid, s, aid, now)
  local seq = redis.call('HINCRBY', session_key(sid), 'offer_seq', 1)
  local offer_id = sid .. '.' .. seq
  local expires = now + S.ring_ms
  redis.call('HSET', session_key(sid), 'state', 'OFFERED', 'offer_id', offer_id, 'offered_to', aid,
    'offer_expires_ms', expires, 'offered_ms', now)
  redis.call('ZREM', P .. 'queue:' .. s.skill, sid)
  redis.call('HSET', agent_key(aid), 'offer_sid', sid)
  redis.call('ZADD', P .. 'deadlines', expires, 'offer:' .. sid)
  refresh_ready(aid)
  event('offered', sid, 'agent', aid, 'offer', offer_id)
  notify('s', sid)
  notify('a', aid)
  notify('q', s.skill)
  return offer_id
end

-- Offers a waiting session to the best ready lawyer of its skill, if there is one.
local function match_session(sid, now)
  local s = hash(session_key(sid))
  if not s or s.state ~= 'QUEUED' then return nil end
  local candidates = redis.call('ZRANGE', P .. 'ready:' .. s.skill, 0, 9)
  for _, aid in ipairs(candidates) do
    if not excluded(s, aid, now) then
      make_offer(sid, s, aid, now)
      return aid
    end
  end
  return nil
end

-- Offers a lawyer who just became able to take more the longest-waiting session of their skills.
local function match_agent(aid, now)
  local a = hash(agent_key(aid))
  if not a or a.status ~= 'AVAILABLE' or (a.offer_sid or '') ~= '' then return nil end
  if tonumber(a.load or '0') >= tonumber(a.chat_capacity or '0') then return nil end
  local best_sid, best_score, best_session
  for _, skill in ipairs(skills_of(a)) do
    local head = redis.call('ZRANGE', P .. 'queue:' .. skill, 0, 2, 'WITHSCORES')
    for i = 1, #head, 2 do
      local s = hash(session_key(head[i]))
      if s and not excluded(s, aid, now) then
        local score = tonumber(head[i + 1])
        if not best_score or score < best_score then
          best_sid, best_score, best_session = head[i], score, s
        end
        break
      end
    end
  end
  if best_sid then make_offer(best_sid, best_session, aid, now) end
  return best_sid
end

-- Clears a lawyer's pending offer (taken, withdrawn or expired) and lets them be matched again.
local function clear_offer(aid, sid)
  local key = agent_key(aid)
  if redis.call('HGET', key, 'offer_sid') == sid then redis.call('HSET', key, 'offer_sid', '') end
  refresh_ready(aid)
end

-- Back into the queue at the session's original score, so it keeps its place in line.
local function requeue(sid, s, now, reason, exclude_agent)
  local aid = s.offered_to
  redis.call('HSET', session_key(sid), 'state', 'QUEUED', 'offer_id', '', 'offered_to', '')
  if exclude_agent then
    local exclusion_end = now + S.ring_ms
    redis.call('HSET', session_key(sid), 'excluded_agent', aid, 'excluded_until_ms', exclusion_end)
    -- When the exclusion ends, look again: the excluded lawyer may be the only one on duty.
    redis.call('ZADD', P .. 'deadlines', exclusion_end, 'rematch:' .. sid)
  end
  redis.call('ZADD', P .. 'queue:' .. s.skill, s.score, sid)
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid)
  event('requeued', sid, 'agent', aid or '', 'reason', reason)
  notify('s', sid)
  notify('q', s.skill)
  if aid and aid ~= '' then
    clear_offer(aid, sid)
    notify('a', aid)
  end
  match_session(sid, now)
  if aid and aid ~= '' then match_agent(aid, now) end
end

local function abandon(sid, s, now, reason)
  local aid = s.offered_to
  -- A caller whose connection dropped left when it dropped, not when the grace period ran out.
  local left = now
  if reason == 'caller_gone' and tonumber(s.caller_left_ms or '') then left = tonumber(s.caller_left_ms) end
  redis.call('HSET', session_key(sid), 'state', 'ABANDONED', 'ended_ms', left, 'offer_id', '', 'offered_to', '',
    'end_reason', reason)
  redis.call('ZREM', P .. 'queue:' .. s.skill, sid)
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid, 'grace:' .. sid, 'rematch:' .. sid)
  local waited = left - tonumber(s.enqueued_ms)
  count(s, 'abandoned')
  if waited < S.short_ms then count(s, 'short_abandoned') end
  count(s, 'waiting', -1)
  count_max(s, 'longest_wait_ms', waited)
  event('abandoned', sid, 'waited_ms', waited, 'reason', reason)
  notify('s', sid)
  notify('q', s.skill)
  if aid and aid ~= '' then
    clear_offer(aid, sid)
    notify('a', aid)
    match_agent(aid, now)
  end
end

-- CONNECTED → WRAP_UP: the talk is over; the lawyer has wrap_ms to fill in the work order.
local function end_talk(sid, s, now, by)
  redis.call('HSET', session_key(sid), 'state', 'WRAP_UP', 'ended_ms', now, 'end_reason', by)
  redis.call('ZREM', P .. 'deadlines', 'grace:' .. sid)
  redis.call('ZADD', P .. 'deadlines', now + S.wrap_ms, 'wrapup:' .. sid)
  event('ended', sid, 'agent', s.lawyer, 'by', by)
  notify('s', sid)
  notify('a', s.lawyer)
end

-- WRAP_UP → CLOSED with the work order; frees the lawyer's capacity.
local function close_session(sid, s, now, order)
  redis.call('HSET', session_key(sid), 'state', 'CLOSED', 'closed_ms', now, 'wo_type', order.type,
    'wo_category', order.category, 'wo_outcome', order.outcome, 'wo_note', order.note, 'wo_auto', order.auto)
  redis.call('ZREM', P .. 'deadlines', 'wrapup:' .. sid)
  local aid = s.lawyer
  local akey = agent_key(aid)
  if redis.call('SREM', akey .. ':sessions', sid) == 1 then
    local load = redis.call('HINCRBY', akey, 'load', -1)
    if load < 0 then redis.call('HSET', akey, 'load', 0) end
  end
  -- Idle time counts from the end of the lawyer's last session, not from their last offer.
  redis.call('HSET', akey, 'idle_since_ms', now)
  count(s, 'handled')
  count(s, 'handle_ms', now - tonumber(s.answered_ms))
  event('closed', sid, 'agent', aid, 'type', order.type, 'category', order.category, 'outcome', order.outcome,
    'auto', order.auto)
  refresh_ready(aid)
  notify('s', sid)
  notify('a', aid)
  match_agent(aid, now)
end

-- Runs the script body once per request id: a retry after a lost reply gets the first result.
local function once(body)
  local request_key = P .. 'request:' .. REQUEST_ID
  if REQUEST_ID ~= '' then
    local cached = redis.call('GET', request_key)
    if cached then return cjson.decode(cached) end
  end
  local result = body()
  if REQUEST_ID ~= '' and type(result) == 'table' and not result.err then
    redis.call('SET', request_key, cjson.encode(result), 'EX', 86400)
  end
  return result
end
