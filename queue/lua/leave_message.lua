-- A waiting caller leaves a message (留言) or asks for a callback instead of waiting on:
-- QUEUED/OFFERED → OVERFLOWED, and a ticket with a reply deadline. The same contact and question
-- within a day makes a DUPLICATE ticket that points at the first: marked, not counted twice.
-- KEYS[1] {c}:session:<sid>
-- A[1] ticket id  A[2] kind: MESSAGE or CALLBACK  A[3] contact  A[4] question
-- A[5] duplicate key (a hash of the normalised contact and question; '' when there is no contact:
--      two people may well ask the same question)
-- The ticket is read with the caller's session token: it keeps the session's token hash.
-- Returns {ticket, id, state, OPEN|DUPLICATE}: the caller's ticket frame, which answers the request.
return once(function()
  local tid, kind, contact, question, dedupe = A[1], A[2], A[3], A[4], A[5]
  if kind ~= 'MESSAGE' and kind ~= 'CALLBACK' then return fail('BAD_REQUEST', 'unknown ticket kind') end
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.state ~= 'QUEUED' and s.state ~= 'OFFERED' then
    return fail('INVALID_STATE', 'only a waiting caller can leave a message')
  end
  local tkey = P .. 'ticket:' .. tid
  if redis.call('EXISTS', tkey) == 1 then return fail('BAD_REQUEST', 'ticket id already in use') end
  local now = now_ms()
  local dedupe_key = P .. 'dedupe:' .. dedupe
  local original = dedupe ~= '' and redis.call('GET', dedupe_key) or nil
  if original and redis.call('EXISTS', P .. 'ticket:' .. original) == 0 then original = nil end
  local state = original and 'DUPLICATE' or 'OPEN'
  local deadline = now + S.reply_ms
  local t = {day = day_of(now), channel = s.channel, category = s.category}
  redis.call('HSET', tkey, 'id', tid, 'kind', kind, 'state', state, 'token_hash', s.token_hash, 'contact', contact,
    'question', question, 'category', s.route_category or s.category, 'book_category', s.category,
    'language', s.language, 'channel', s.channel, 'priority', s.priority or '', 'session', s.id, 'created_ms', now, 'deadline_ms', deadline,
    'day', t.day, 'duplicate_of', original or '')
  if original then
    count(t, 'messages_duplicate')
  else
    if dedupe ~= '' then redis.call('SET', dedupe_key, tid, 'EX', 86400) end
    redis.call('ZADD', P .. 'tickets:open', deadline, tid)
    count(t, 'messages_open')
  end
  count(t, 'messages_received')
  local first = first_wait(s)
  if first then count(s, 'overflowed') end
  redis.call('HSET', KEYS[1], 'ticket_id', tid)
  event('ticket_created', s.id, 'ticket', tid, 'kind', kind, 'state', state, 'duplicate_of', original or '',
    'first_wait', first and '1' or '0')
  stop_waiting(s.id, s, now, 'OVERFLOWED', now, 'left_message')
  ticket_changed(tid)
  return {'ticket', tid, 'state', state}
end, 'reply')
