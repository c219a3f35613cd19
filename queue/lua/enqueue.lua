-- A caller joins the queue: NEW → QUEUED (and at once → OFFERED when a qualified lawyer is ready).
-- KEYS[1] {c}:session:<sid>
-- ARGV[9] sid  ARGV[10] token_hash  ARGV[11] channel  ARGV[12] category  ARGV[13] language
-- ARGV[14] priority  ARGV[15] boost_ms  ARGV[16] contact (kept for a callback; logs mask it)  ARGV[17] node
-- Returns {state, position}.
return once(function()
  local sid, token_hash, channel, category, language = A[1], A[2], A[3], A[4], A[5]
  local priority, boost_ms, contact, node = A[6], tonumber(A[7]), A[8], A[9]
  if redis.call('EXISTS', KEYS[1]) == 1 then return fail('SESSION_EXISTS', 'session id already in use') end
  if not boost_ms or category == '' or language == '' then return fail('BAD_REQUEST', 'missing arguments') end
  local now = now_ms()
  local skill = category .. ':' .. language
  local seq = redis.call('INCR', P .. 'seq:queue')
  -- Integer score: earlier (or boosted) first; the sequence breaks ties FIFO within one millisecond.
  local score = (now - boost_ms) * 1000 + (seq % 1000)
  local s = {day = day_of(now), channel = channel, category = category}
  redis.call('HSET', KEYS[1], 'id', sid, 'state', 'QUEUED', 'token_hash', token_hash, 'channel', channel,
    'category', category, 'language', language, 'skill', skill, 'priority', priority, 'contact', contact,
    'node', node, 'score', score, 'enqueued_ms', now, 'day', s.day, 'offer_seq', 0, 'caller_connected', 1)
  redis.call('ZADD', P .. 'queue:' .. skill, score, sid)
  count(s, 'offered')
  count(s, 'waiting')
  event('queued', sid, 'channel', channel, 'category', category, 'language', language, 'priority', priority)
  notify('q', skill)
  match_session(sid, now)
  local state = redis.call('HGET', KEYS[1], 'state')
  local rank = redis.call('ZRANK', P .. 'queue:' .. skill, sid)
  return {'state', state, 'position', tostring(rank and rank + 1 or 0)}
end)
