-- A caller joins the queue: NEW → QUEUED (and at once → OFFERED when a qualified lawyer is ready).
-- KEYS[1] {c}:session:<sid>
-- A[1] sid  A[2] token_hash  A[3] channel  A[4] category  A[5] language  A[6] priority
-- A[7] boost_ms  A[8] contact  A[9] node  A[10] the chat caller's source address ('' for none)
-- Keys of the source's limits: {c}:starts:<source> (starts this minute) and {c}:waiting_from:<source>
-- (its sessions that may still wait; pruned of those that stopped only when it reaches the limit, so
-- a start costs O(1) and at most O(waiting_per_source)).
-- Returns the session as view_session does (so the caller's first frame needs no second read). A
-- full queue (QUEUE_FULL; chat callers may fill only chat_share percent of it, the rest is kept for
-- calls) or a source over its limits (RATE_LIMITED) is refused before anything is written.
return once(function()
  local sid, token_hash, channel, category, language = A[1], A[2], A[3], A[4], A[5]
  local priority, boost_ms, contact, node, source = A[6], tonumber(A[7]), A[8], A[9], A[10] or ''
  if redis.call('EXISTS', KEYS[1]) == 1 then return fail('SESSION_EXISTS', 'session id already in use') end
  if not boost_ms or category == '' or language == '' then return fail('BAD_REQUEST', 'missing arguments') end
  local skill = category .. ':' .. language
  local queued = redis.call('ZCARD', P .. 'queue:' .. skill)
  local limit = S.max_queue
  if channel == 'CHAT' then limit = math.max(1, math.floor(S.max_queue * S.chat_share / 100)) end
  if queued >= limit then return fail('QUEUE_FULL', 'the queue for this category and language is full') end
  local starts_key, waiting_key = P .. 'starts:' .. source, P .. 'waiting_from:' .. source
  if source ~= '' then
    if tonumber(redis.call('GET', starts_key) or '0') >= S.starts_per_min then
      return fail('RATE_LIMITED', 'too many sessions started from this address: try again in a minute')
    end
    if redis.call('SCARD', waiting_key) >= S.waiting_per_source then
      for _, other in ipairs(redis.call('SMEMBERS', waiting_key)) do
        local state = redis.call('HGET', session_key(other), 'state')
        if state ~= 'QUEUED' and state ~= 'OFFERED' then redis.call('SREM', waiting_key, other) end
      end
    end
    if redis.call('SCARD', waiting_key) >= S.waiting_per_source then
      return fail('RATE_LIMITED', 'too many sessions waiting from this address')
    end
  end
  local now = now_ms()
  if source ~= '' then
    if redis.call('INCR', starts_key) == 1 then redis.call('PEXPIRE', starts_key, 60000) end
    redis.call('SADD', waiting_key, sid)
    redis.call('PEXPIRE', waiting_key, 86400000)
  end
  local seq = redis.call('INCR', P .. 'seq:queue') % 1000
  -- Integer score: earlier (or boosted) first; the sequence breaks ties FIFO within one millisecond.
  local score = (now - boost_ms) * 1000 + seq
  -- Nobody who could ever take it is on duty: offer a message or callback at once.
  local staffed = redis.call('SCARD', P .. 'staffed:' .. skill) + redis.call('SCARD', P .. 'staffed_lang:' .. language)
  local overflow_reason = staffed == 0 and 'no_lawyer_on_duty' or ''
  local s = {id = sid, day = day_of(now), channel = channel, category = category, language = language, skill = skill,
    score = score, queued_ms = now, enqueued_ms = now}
  redis.call('HSET', KEYS[1], 'id', sid, 'state', 'QUEUED', 'token_hash', token_hash, 'channel', channel,
    'category', category, 'language', language, 'arrival_language', language, 'skill', skill, 'priority', priority, 'contact', contact,
    'node', node, 'score', score, 'seq', seq, 'enqueued_ms', now, 'queued_ms', now, 'day', s.day, 'offer_seq', 0,
    'caller_connected', 1, 'overflow_reason', overflow_reason, 'transfers', 0)
  redis.call('SADD', P .. 'live', sid)
  enter_queue(sid, s, now)
  schedule_overflow(sid, s, now)
  count(s, 'offered')
  count(s, 'waiting')
  event('queued', sid, 'channel', channel, 'category', category, 'language', language, 'priority', priority)
  if overflow_reason ~= '' then event('overflow_offered', sid, 'reason', overflow_reason) end
  notify_queue(skill, rank_in_queue(sid, skill))
  match_session(sid, now)
  return session_reply(KEYS[1])
end)
