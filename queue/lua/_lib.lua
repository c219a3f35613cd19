-- The prelude of the queue's Functions library (cmake/embed_lua.cmake): loaded once with FUNCTION
-- LOAD, not re-run per call. Every other .lua file is the body of one function.
--
-- Calling convention of every function:
--   KEYS[1]    the main key the script changes ({c}:session:<id>, {c}:agent:<id>, {c}:ticket:<id> or
--              {c}:deadlines). Keys a script finds while matching (queues, ready sets, other sessions and
--              lawyers) are derived from its hash tag {c}, so a call touches one slot.
--   ARGV[1]    the version of the caller's routing settings; the settings themselves are stored once per
--              centre in {c}:settings (queue/src/engine.cpp writes them) and read when the version changes
--   ARGV[2]    the clock: '' for Redis TIME, or Unix ms from a simulation's own clock
--   ARGV[3]    request id ('' for none): a retried request replays its first result
--   ARGV[4..]  the script's own arguments, A[1], A[2], … in the script headers
-- Results are flat {name, value, ...} arrays; failures are {err = 'CODE message'} and change nothing.
-- 'SETTINGS_STALE' asks the caller to store its settings and call again.

-- Set by begin_call at the start of every call; Redis runs one call at a time.
local KEYS, ARGV, P, S, CLOCK, REQUEST_ID, A, NOW
-- The sessions and lawyers this call changed, each once, in order (ids also as keys, for the
-- check); their new state is published when the call ends (publish_changes). ACK_SESSION and
-- ACK_AGENT name the record whose push answers the request (see once).
local CHANGED_SESSIONS, CHANGED_AGENTS, ACK_SESSION, ACK_AGENT

-- {c}:settings as numbers, per centre prefix, kept between calls while their version holds.
local settings_cache = {}

local function read_settings(version)
  local cached = settings_cache[P]
  if cached and cached.version == version then return cached end
  local flat = redis.call('HGETALL', P .. 'settings')
  local raw = {}
  for i = 1, #flat, 2 do raw[flat[i]] = flat[i + 1] end
  if raw.version ~= version then return nil end
  local settings = {
    version = version,
    ring_ms = tonumber(raw.ring_ms),
    wrap_ms = tonumber(raw.wrap_ms),
    grace_ms = tonumber(raw.grace_ms),
    max_misses = tonumber(raw.max_misses),
    sl_ms = tonumber(raw.sl_ms),
    short_ms = tonumber(raw.short_ms),
    tz_min = tonumber(raw.tz_min),
    backup_ms = tonumber(raw.backup_ms),     -- waited this long, a session is offered to backup-level lawyers too
    general_ms = tonumber(raw.general_ms),   -- … and then to the general pool (any lawyer speaking its language)
    max_wait_ms = tonumber(raw.max_wait_ms), -- … and the caller is offered a message or callback
    max_queue = tonumber(raw.max_queue),     -- sessions one skill's queue may hold; more are refused
    policy = raw.policy,                     -- longest_idle | fewest_today | round_robin
    reply_ms = tonumber(raw.reply_ms),       -- a ticket's reply deadline
    exclusion_ms = tonumber(raw.exclusion_ms), -- a lawyer who declined is not offered the session again for this long
    urgent_boost_ms = tonumber(raw.urgent_boost_ms),
    chat_share = tonumber(raw.chat_share),         -- percent of max_queue chat callers may fill
    starts_per_min = tonumber(raw.starts_per_min), -- sessions one source may start per minute
    waiting_per_source = tonumber(raw.waiting_per_source),
  }
  settings_cache[P] = settings
  return settings
end

local function begin_call(keys, argv)
  KEYS, ARGV = keys, argv
  P = string.match(KEYS[1] or '', '^({[^}]+}:)')
  if not P then return redis.error_reply('BAD_REQUEST key without a hash tag') end
  S = read_settings(ARGV[1])
  if not S then return redis.error_reply('SETTINGS_STALE the centre\'s stored settings are not the caller\'s') end
  CLOCK, REQUEST_ID, NOW = ARGV[2], ARGV[3], nil
  CHANGED_SESSIONS, CHANGED_AGENTS, ACK_SESSION, ACK_AGENT = {}, {}, nil, nil
  A = {}
  for i = 4, #ARGV do A[#A + 1] = ARGV[i] end
  return nil
end

-- Ready scores: ((level - 1) * LEVEL_BAND + load) * LOAD_WEIGHT + the policy's key (< LOAD_WEIGHT).
-- So a primary lawyer outranks a backup, an idle one a busy one, and the key orders the rest.
local LOAD_WEIGHT = 10000000000000
local LEVEL_BAND = 100

local function fail(code, message)
  return {err = code .. ' ' .. (message or code)}
end

-- One TIME per call: every step of a transition happens at the same instant.
local function now_ms()
  if NOW then return NOW end
  if CLOCK ~= '' then
    NOW = tonumber(CLOCK)
  else
    local t = redis.call('TIME')
    NOW = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return NOW
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

local function list_of(text)
  local list = {}
  for item in string.gmatch(text or '', '[^,]+') do list[#list + 1] = item end
  return list
end

-- A lawyer's skills by level: 1 = primary, 2 = backup (offered a session only after backup_ms).
local function skill_levels(a)
  local levels = {}
  for _, skill in ipairs(list_of(a.backup_skills)) do levels[skill] = 2 end
  for _, skill in ipairs(list_of(a.skills)) do levels[skill] = 1 end
  return levels
end

-- The languages of a lawyer's primary skills: the general pools they serve.
local function languages_of(a)
  local seen, list = {}, {}
  for _, skill in ipairs(list_of(a.skills)) do
    local language = string.match(skill, ':([^:]+)$')
    if language and not seen[language] then
      seen[language] = true
      list[#list + 1] = language
    end
  end
  return list
end

-- Lawyers AVAILABLE who may take the session: its skill at either level, else its language's pool.
local function staffed_for(s)
  local staffed = redis.call('SCARD', P .. 'staffed:' .. s.skill)
  if staffed == 0 then staffed = redis.call('SCARD', P .. 'staffed_lang:' .. s.language) end
  return staffed
end

local function mark_changed(list, id)
  if id and id ~= '' and not list[id] then
    list[id] = true
    list[#list + 1] = id
  end
end

-- The session's or lawyer's new state goes to the gateways when this call ends, once however
-- often the call changed it.
local function session_changed(sid) mark_changed(CHANGED_SESSIONS, sid) end
local function agent_changed(aid) mark_changed(CHANGED_AGENTS, aid) end

-- Tickets are few and read on demand: their hint carries only the id.
local function ticket_changed(tid)
  redis.call('PUBLISH', P .. 'notify', 't:' .. tid)
end

-- MessagePack (Redis's own cmsgpack, in C): any byte survives, and no Lua builds the payload
-- (queue/src/push_codec.cpp reads it back).
local function publish(prefix, value)
  redis.call('PUBLISH', P .. 'notify', prefix .. cmsgpack.pack(value))
end

-- A session's 0-based place in its skill's queue, or nil when it is not there.
local function rank_in_queue(sid, skill)
  return redis.call('ZRANK', P .. 'queue:' .. skill, sid)
end

-- A queue's line changed from `rank` on (0-based; the places before it held): 'q:<rank>:<skill>'.
-- The gateways re-read only that tail, so a change at the back costs the same however many wait.
local function notify_queue(skill, rank)
  redis.call('PUBLISH', P .. 'notify', 'q:' .. (rank or 0) .. ':' .. skill)
end

-- Appends to the audit stream; stats can be rebuilt from it.
local function event(kind, sid, ...)
  redis.call('XADD', P .. 'events', 'MAXLEN', '~', '1000000', '*', 'type', kind, 'session', sid, 'at', now_ms(), ...)
end

-- Counters are booked on the day the session entered the queue, so a period's sums balance.
local function count(s, metric, by)
  redis.call('HINCRBY', P .. 'stats:' .. s.day, metric .. '|' .. s.channel .. '|' .. s.category, by or 1)
end

local function count_max(s, metric, value)
  local key, field = P .. 'stats:' .. s.day, metric .. '|' .. s.channel .. '|' .. s.category
  if value > tonumber(redis.call('HGET', key, field) or '0') then redis.call('HSET', key, field, value) end
end

-- A session's first wait is the one the answer-rate figures describe; a wait after a transfer
-- to another skill is not a second arrival.
local function first_wait(s) return (s.answered_ms or '') == '' end

local function sessions_today(a, now)
  if a.today_day ~= day_of(now) then return 0 end
  return tonumber(a.today_count or '0')
end

-- The lawyer-selection policy's key: smaller goes first.
local function policy_key(a, now)
  local idle_since = tonumber(a.idle_since_ms or '0')
  if S.policy == 'round_robin' then return tonumber(a.last_offer_ms or '0') end
  if S.policy == 'fewest_today' then return sessions_today(a, now) * 10000000000 + math.floor(idle_since / 1000) end
  return idle_since
end

-- Able to take one more chat: on duty, no offer ringing, not on a call, chats under capacity.
local function can_take_more(a)
  return a.status == 'AVAILABLE' and (a.offer_sid or '') == '' and tonumber(a.calls or '0') == 0 and
    tonumber(a.load or '0') < tonumber(a.chat_capacity or '0')
end

-- Takes a lawyer out of every routing set of the given profile (their skills may be about to change).
local function leave_routing_sets(aid, a)
  for skill in pairs(skill_levels(a)) do
    redis.call('ZREM', P .. 'ready:' .. skill, aid)
    redis.call('SREM', P .. 'staffed:' .. skill, aid)
  end
  for _, language in ipairs(languages_of(a)) do
    redis.call('ZREM', P .. 'ready_lang:' .. language, aid)
    redis.call('SREM', P .. 'staffed_lang:' .. language, aid)
  end
end

-- Puts the lawyer into (or takes them out of) the ready and staffed sets, matching their state.
local function refresh_ready(aid, now)
  local a = hash(agent_key(aid))
  if not a then return end
  local available, eligible = a.status == 'AVAILABLE', can_take_more(a)
  local load_score = tonumber(a.load or '0') * LOAD_WEIGHT + policy_key(a, now)
  for skill, level in pairs(skill_levels(a)) do
    if eligible then
      redis.call('ZADD', P .. 'ready:' .. skill, (level - 1) * LEVEL_BAND * LOAD_WEIGHT + load_score, aid)
    else
      redis.call('ZREM', P .. 'ready:' .. skill, aid)
    end
    redis.call(available and 'SADD' or 'SREM', P .. 'staffed:' .. skill, aid)
  end
  for _, language in ipairs(languages_of(a)) do
    if eligible then
      redis.call('ZADD', P .. 'ready_lang:' .. language, load_score, aid)
    else
      redis.call('ZREM', P .. 'ready_lang:' .. language, aid)
    end
    redis.call(available and 'SADD' or 'SREM', P .. 'staffed_lang:' .. language, aid)
  end
end

-- A call can ring only a lawyer whose softphone is registered ({c}:phone:<aid> lives as long as
-- the registration).
local function phone_ready(aid) return redis.call('EXISTS', P .. 'phone:' .. aid) == 1 end

-- Lawyers who declined or missed a session, "aid=until_ms,…", skipped for it until then.
local function excluded(s, aid, now)
  for who, until_ms in string.gmatch(s.excluded or '', '([^,=]+)=(%d+)') do
    if who == aid and tonumber(until_ms) > now then return true end
  end
  return false
end

local function exclude(sid, s, aid, now)
  local kept = {}
  for who, until_ms in string.gmatch(s.excluded or '', '([^,=]+)=(%d+)') do
    if who ~= aid and tonumber(until_ms) > now then kept[#kept + 1] = who .. '=' .. until_ms end
  end
  kept[#kept + 1] = aid .. '=' .. (now + S.exclusion_ms)
  s.excluded = table.concat(kept, ',')
  redis.call('HSET', session_key(sid), 'excluded', s.excluded)
  -- When the exclusion ends, look again: the excluded lawyer may be the only one on duty. LT keeps
  -- an earlier exclusion's look; the sweeper schedules the next one after it.
  redis.call('ZADD', P .. 'deadlines', 'LT', now + S.exclusion_ms, 'rematch:' .. sid)
end

-- The end of the soonest exclusion still running, or nil.
local function next_exclusion_end(s, now)
  local soonest
  for until_ms in string.gmatch(s.excluded or '', '[^,=]+=(%d+)') do
    local at = tonumber(until_ms)
    if at > now and (not soonest or at < soonest) then soonest = at end
  end
  return soonest
end

-- How far a wait has overflowed: 0 primary lawyers only, 1 backups too, 2 the general pool too.
local function stage_of(s, now)
  local waited = now - tonumber(s.queued_ms)
  if waited >= S.general_ms then return 2 end
  if waited >= S.backup_ms then return 1 end
  return 0
end

-- The next overflow threshold of a wait, as a deadline, or nil past the last one.
local function schedule_overflow(sid, s, now)
  local queued = tonumber(s.queued_ms)
  local next_at
  for _, threshold in ipairs({S.backup_ms, S.general_ms, S.max_wait_ms}) do
    local at = queued + threshold
    if at > now and (not next_at or at < next_at) then next_at = at end
  end
  if next_at then redis.call('ZADD', P .. 'deadlines', next_at, 'wait:' .. sid) end
end

-- Into the skill's queue at the session's score; past the general threshold also into the
-- general pool's index of its language. {c}:queued_since:<skill> holds the same sessions by arrival
-- time, so the longest wait is its head (the queue's own order puts boosted callers first).
local function enter_queue(sid, s, now)
  redis.call('ZADD', P .. 'queue:' .. s.skill, s.score, sid)
  redis.call('ZADD', P .. 'queued_since:' .. s.skill, s.enqueued_ms, sid)
  if stage_of(s, now) >= 2 then redis.call('ZADD', P .. 'overflow:' .. s.language, s.score, sid) end
end

local function leave_queue(sid, s)
  redis.call('ZREM', P .. 'queue:' .. s.skill, sid)
  redis.call('ZREM', P .. 'queued_since:' .. s.skill, sid)
  redis.call('ZREM', P .. 'overflow:' .. s.language, sid)
end

-- Kamailio rings a lawyer's phone for ring_ms and reports the no-answer itself; the deadline is a
-- safety net for a lost report, late enough never to withdraw a call the phone may still answer.
local PHONE_RING_SLACK_MS = 5000

local function make_offer(sid, s, aid, now)
  local seq = redis.call('HINCRBY', session_key(sid), 'offer_seq', 1)
  local offer_id = sid .. '.' .. seq
  local expires = now + S.ring_ms
  redis.call('HSET', session_key(sid), 'state', 'OFFERED', 'offer_id', offer_id, 'offered_to', aid,
    'offer_expires_ms', expires, 'offered_ms', now)
  local rank = rank_in_queue(sid, s.skill)
  leave_queue(sid, s)
  redis.call('HSET', agent_key(aid), 'offer_sid', sid, 'last_offer_ms', now)
  redis.call('ZADD', P .. 'deadlines', expires + (s.channel == 'PHONE' and PHONE_RING_SLACK_MS or 0), 'offer:' .. sid)
  refresh_ready(aid, now)
  event('offered', sid, 'agent', aid, 'offer', offer_id)
  session_changed(sid)
  agent_changed(aid)
  notify_queue(s.skill, rank)
  return offer_id
end

-- The first lawyer in a score range of a ready set who is not excluded from the session.
local function first_ready(key, low, high, s, now)
  local ids = redis.call('ZRANGEBYSCORE', key, low, '(' .. high, 'LIMIT', 0, 10)
  for _, aid in ipairs(ids) do
    if not excluded(s, aid, now) and (s.channel ~= 'PHONE' or phone_ready(aid)) then return aid end
  end
  return nil
end

-- Offers a waiting session to the best ready lawyer, if there is one: primary lawyers of its
-- skill, then (after backup_ms) backups, then (after general_ms) anyone speaking its language.
-- A call needs a lawyer with no session at all: the load-0 slice of each range.
local function match_session(sid, now)
  local s = hash(session_key(sid))
  if not s or s.state ~= 'QUEUED' then return nil end
  local width = (s.channel == 'PHONE' and 1 or LEVEL_BAND) * LOAD_WEIGHT
  local backup_floor = LEVEL_BAND * LOAD_WEIGHT
  local stage = stage_of(s, now)
  local aid = first_ready(P .. 'ready:' .. s.skill, 0, width, s, now)
  if not aid and stage >= 1 then
    aid = first_ready(P .. 'ready:' .. s.skill, backup_floor, backup_floor + width, s, now)
  end
  if not aid and stage >= 2 then aid = first_ready(P .. 'ready_lang:' .. s.language, 0, width, s, now) end
  if aid then make_offer(sid, s, aid, now) end
  return aid
end

-- Offers a lawyer who just became able to take more the best waiting session they may serve:
-- the lowest queue score among their primary queues, backup queues (sessions past backup_ms)
-- and the general pools of their languages (sessions past general_ms).
local function match_agent(aid, now)
  local a = hash(agent_key(aid))
  if not a or not can_take_more(a) then return nil end
  local idle = tonumber(a.load or '0') == 0
  local best_sid, best_score
  local function consider(queue_key, min_wait)
    -- Bounded, but deep enough to pass a head of callers this lawyer may not take yet.
    local head = redis.call('ZRANGE', queue_key, 0, 49, 'WITHSCORES')
    for i = 1, #head, 2 do
      local score = tonumber(head[i + 1])
      if best_score and score >= best_score then return end
      local s = hash(session_key(head[i]))
      if s and s.state == 'QUEUED' and (s.channel ~= 'PHONE' or (idle and phone_ready(aid))) and
        not excluded(s, aid, now) and
        now - tonumber(s.queued_ms) >= min_wait then
        best_sid, best_score = head[i], score
        return
      end
    end
  end
  for skill, level in pairs(skill_levels(a)) do
    consider(P .. 'queue:' .. skill, level == 1 and 0 or S.backup_ms)
  end
  for _, language in ipairs(languages_of(a)) do consider(P .. 'overflow:' .. language, S.general_ms) end
  if best_sid then make_offer(best_sid, hash(session_key(best_sid)), aid, now) end
  return best_sid
end

-- Clears a lawyer's pending offer (taken, withdrawn or expired) and lets them be matched again.
local function clear_offer(aid, sid, now)
  local key = agent_key(aid)
  if redis.call('HGET', key, 'offer_sid') == sid then redis.call('HSET', key, 'offer_sid', '') end
  refresh_ready(aid, now)
end

-- Back into the queue at the session's original score, so it keeps its place in line.
local function requeue(sid, s, now, reason, exclude_agent)
  local aid = s.offered_to
  redis.call('HSET', session_key(sid), 'state', 'QUEUED', 'offer_id', '', 'offered_to', '')
  if exclude_agent then exclude(sid, s, aid, now) end
  enter_queue(sid, s, now)
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid)
  event('requeued', sid, 'agent', aid or '', 'reason', reason)
  session_changed(sid)
  notify_queue(s.skill, rank_in_queue(sid, s.skill))
  if aid and aid ~= '' then
    clear_offer(aid, sid, now)
    agent_changed(aid)
  end
  match_session(sid, now)
  if aid and aid ~= '' then match_agent(aid, now) end
end

-- The offered lawyer did not take it (the offer timed out, their phone did not answer or was not
-- reachable): it counts as a miss, enough misses in a row set them AWAY, and the session goes back
-- to its place in line without them.
local function miss_offer(sid, s, now, reason)
  local aid = s.offered_to
  local misses = redis.call('HINCRBY', agent_key(aid), 'misses', 1)
  event('offer_timeout', sid, 'agent', aid, 'misses', misses, 'reason', reason)
  if misses >= S.max_misses then
    -- Stop ringing a lawyer who is not there; the supervisor sees why in the status reason.
    redis.call('HSET', agent_key(aid), 'status', 'AWAY', 'status_reason', 'missed_offers', 'status_ms', now)
    event('agent_status', '', 'agent', aid, 'status', 'AWAY', 'reason', 'missed_offers')
  end
  requeue(sid, s, now, reason, true)
end

-- A waiting session leaves routing for good (the caller left, or left a message): out of the
-- queue, its deadlines and any offer, and its lawyer free to be matched again.
local function stop_waiting(sid, s, now, state, ended_ms, reason)
  local aid = s.offered_to
  redis.call('HSET', session_key(sid), 'state', state, 'ended_ms', ended_ms, 'offer_id', '', 'offered_to', '',
    'end_reason', reason)
  local rank = rank_in_queue(sid, s.skill)  -- nil while an offer rings: then nobody moves up
  leave_queue(sid, s)
  redis.call('ZREM', P .. 'deadlines', 'offer:' .. sid, 'grace:' .. sid, 'rematch:' .. sid, 'wait:' .. sid)
  redis.call('SREM', P .. 'live', sid)
  if first_wait(s) then count(s, 'waiting', -1) end
  session_changed(sid)
  if rank then notify_queue(s.skill, rank) end
  if aid and aid ~= '' then
    clear_offer(aid, sid, now)
    agent_changed(aid)
    match_agent(aid, now)
  end
end

local function abandon(sid, s, now, reason)
  -- A caller whose connection dropped left when it dropped, not when the grace period ran out.
  local left = now
  if reason == 'caller_gone' and tonumber(s.caller_left_ms or '') then left = tonumber(s.caller_left_ms) end
  local waited = left - tonumber(s.enqueued_ms)
  local first = first_wait(s)
  if first then
    count(s, 'abandoned')
    if waited < S.short_ms then count(s, 'short_abandoned') end
    count_max(s, 'longest_wait_ms', waited)
  end
  event('abandoned', sid, 'waited_ms', waited, 'reason', reason, 'first_wait', first and '1' or '0')
  stop_waiting(sid, s, now, 'ABANDONED', left, reason)
end

-- CONNECTED → WRAP_UP: the talk is over; the lawyer has wrap_ms to fill in the work order.
local function end_talk(sid, s, now, by)
  redis.call('HSET', session_key(sid), 'state', 'WRAP_UP', 'ended_ms', now, 'end_reason', by)
  redis.call('ZREM', P .. 'deadlines', 'grace:' .. sid)
  redis.call('ZADD', P .. 'deadlines', now + S.wrap_ms, 'wrapup:' .. sid)
  event('ended', sid, 'agent', s.lawyer, 'by', by)
  session_changed(sid)
  agent_changed(s.lawyer)
end

-- Gives back the capacity a session held; idle time counts from here, not from the last offer.
local function release_lawyer(aid, sid, s, now)
  local akey = agent_key(aid)
  if redis.call('SREM', akey .. ':sessions', sid) == 1 then
    local load = redis.call('HINCRBY', akey, 'load', -1)
    if load < 0 then redis.call('HSET', akey, 'load', 0) end
    if s.channel == 'PHONE' then redis.call('HSET', akey, 'calls', 0) end
  end
  redis.call('HSET', akey, 'idle_since_ms', now)
  refresh_ready(aid, now)
  agent_changed(aid)
end

-- WRAP_UP → CLOSED (or TRANSFERRED, when the lawyer sent the caller to another hotline) with the
-- work order; frees the lawyer's capacity.
local function close_session(sid, s, now, order)
  local final = (s.transferred_to or '') ~= '' and 'TRANSFERRED' or 'CLOSED'
  redis.call('HSET', session_key(sid), 'state', final, 'closed_ms', now, 'wo_type', order.type,
    'wo_category', order.category, 'wo_outcome', order.outcome, 'wo_note', order.note, 'wo_auto', order.auto)
  redis.call('ZREM', P .. 'deadlines', 'wrapup:' .. sid)
  redis.call('SREM', P .. 'live', sid)
  count(s, 'handled')
  count(s, 'handle_ms', now - tonumber(s.answered_ms))
  event('closed', sid, 'agent', s.lawyer, 'order_type', order.type, 'order_category', order.category,
    'outcome', order.outcome,
    'auto', order.auto, 'state', final)
  session_changed(sid)
  release_lawyer(s.lawyer, sid, s, now)
  match_agent(s.lawyer, now)
end

-- Runs the script body once per request id: a retry after a lost reply gets the first result.
-- `ack` says what answers the request on the client's socket: 'state' (the default) the pushed
-- state of the requester, the caller's session for 'c:<sid>:…' ids and the lawyer for
-- 'a:<aid>:…', published carrying the request id even when this call (a replay) changed nothing;
-- 'reply' the script's reply itself (a chat line, a ticket).
local function once(body, ack)
  local request_key = P .. 'request:' .. REQUEST_ID
  local result
  if REQUEST_ID ~= '' then
    local cached = redis.call('GET', request_key)
    if cached then result = cjson.decode(cached) end
  end
  if not result then
    result = body()
    if REQUEST_ID ~= '' and type(result) == 'table' and not result.err then
      redis.call('SET', request_key, cjson.encode(result), 'EX', 86400)
    end
  end
  if ack ~= 'reply' and not (type(result) == 'table' and result.err) then
    local kind, id = string.match(REQUEST_ID, '^([ac]):([^:]+):')
    if kind == 'c' then
      ACK_SESSION = id
      session_changed(id)
    elseif kind == 'a' then
      ACK_AGENT = id
      agent_changed(id)
    end
  end
  return result
end

-- A record's hash as a flat array; with `bump`, its version ('v') first goes up by one, so a
-- gateway can tell a newer state from an older one that arrives late.
local function versioned_fields(key, bump)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 or not bump then return flat end
  local version = redis.call('HINCRBY', key, 'v', 1)
  for i = 1, #flat, 2 do
    if flat[i] == 'v' then
      flat[i + 1] = tostring(version)
      return flat
    end
  end
  flat[#flat + 1] = 'v'
  flat[#flat + 1] = tostring(version)
  return flat
end

-- One session as its caller sees it: its fields, its place in line (1 = next; 0 when not waiting)
-- and the lawyers AVAILABLE who may take it; an empty array when there is no such session.
local function session_reply(key, bump)
  local flat = versioned_fields(key, bump)
  if #flat == 0 then return {} end
  local s = {}
  for i = 1, #flat, 2 do s[flat[i]] = flat[i + 1] end
  local rank = s.state == 'QUEUED' and rank_in_queue(s.id, s.skill) or nil
  flat[#flat + 1] = 'position'
  flat[#flat + 1] = tostring(rank and rank + 1 or 0)
  flat[#flat + 1] = 'staffed'
  flat[#flat + 1] = tostring(staffed_for(s))
  return flat
end

-- A lawyer's routing state: {their fields + sessions_today and phone_registered, the offered
-- session's fields (empty when none), {each open session's fields}}. A lawyer never on duty has
-- no hash yet, but their softphone may be registered already.
local function agent_reply(aid, bump)
  local key = agent_key(aid)
  local fields = versioned_fields(key, bump)
  if #fields == 0 then return {{'phone_registered', phone_ready(aid) and '1' or '0'}, {}, {}} end
  local a = {}
  for i = 1, #fields, 2 do a[fields[i]] = fields[i + 1] end
  fields[#fields + 1] = 'sessions_today'
  fields[#fields + 1] = tostring(sessions_today(a, now_ms()))
  fields[#fields + 1] = 'phone_registered'
  fields[#fields + 1] = phone_ready(aid) and '1' or '0'
  local offer = {}
  if (a.offer_sid or '') ~= '' then offer = redis.call('HGETALL', session_key(a.offer_sid)) end
  local sessions = {}
  for _, sid in ipairs(redis.call('SMEMBERS', key .. ':sessions')) do
    sessions[#sessions + 1] = redis.call('HGETALL', session_key(sid))
  end
  return {fields, offer, sessions}
end

-- Publishes the new state of every session and lawyer the call changed, sessions first (a lawyer's
-- list may drop a session whose last state the lawyer must see first): 'S:' {session id, its
-- lawyer, request id, session as session_reply} and 'A:' {lawyer id, request id, lawyer as
-- agent_reply}. Who it is for comes first, so a gateway with no such connection skips the rest.
-- The request id is set only on the push that answers it (see once).
local function publish_changes()
  for _, sid in ipairs(CHANGED_SESSIONS) do
    local session = session_reply(session_key(sid), true)
    if #session > 0 then
      local lawyer = ''
      for i = 1, #session, 2 do
        if session[i] == 'lawyer' then lawyer = session[i + 1] end
      end
      publish('S:', {sid, lawyer, sid == ACK_SESSION and REQUEST_ID or '', session})
    end
  end
  for _, aid in ipairs(CHANGED_AGENTS) do
    publish('A:', {aid, aid == ACK_AGENT and REQUEST_ID or '', agent_reply(aid, true)})
  end
end
