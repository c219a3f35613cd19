-- A caller joins the queue: NEW → QUEUED (and at once → OFFERED when a qualified lawyer is ready).
-- KEYS[1] {c}:session:<sid>
-- A[1] sid  A[2] token_hash  A[3] channel  A[4] category  A[5] language  A[6] priority
-- A[7] boost_ms  A[8] contact  A[9] node
-- Returns the session as view_session does (so the caller's first frame needs no second read). A
-- full queue is refused (QUEUE_FULL) before anything is written.
return once(function()
  local sid, token_hash, channel, category, language = A[1], A[2], A[3], A[4], A[5]
  local priority, boost_ms, contact, node = A[6], tonumber(A[7]), A[8], A[9]
  if redis.call('EXISTS', KEYS[1]) == 1 then return fail('SESSION_EXISTS', 'session id already in use') end
  if not boost_ms or category == '' or language == '' then return fail('BAD_REQUEST', 'missing arguments') end
  local skill = category .. ':' .. language
  if redis.call('ZCARD', P .. 'queue:' .. skill) >= S.max_queue then
    return fail('QUEUE_FULL', 'the queue for this category and language is full')
  end
  local now = now_ms()
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
