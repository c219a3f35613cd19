-- A lawyer answers an open ticket: a written reply the caller reads with the ticket token, or the
-- log of a callback call. OPEN → REPLIED; on time when within the reply deadline.
-- KEYS[1] {c}:ticket:<tid>
-- A[1] aid  A[2] lawyer's name  A[3] reply kind: TEXT_REPLY or CALLBACK_MADE  A[4] text
-- Returns {state, REPLIED}.
return once(function()
  local aid, name, kind, text = A[1], A[2], A[3], A[4]
  if kind ~= 'TEXT_REPLY' and kind ~= 'CALLBACK_MADE' then return fail('BAD_REQUEST', 'unknown reply kind') end
  local t = hash(KEYS[1])
  if not t then return fail('TICKET_NOT_FOUND', 'no such ticket') end
  if t.state ~= 'OPEN' then return fail('INVALID_STATE', 'the ticket is ' .. t.state) end
  local now = now_ms()
  redis.call('HSET', KEYS[1], 'state', 'REPLIED', 'reply_kind', kind, 'reply', text, 'replied_by', aid,
    'replied_by_name', name, 'replied_ms', now)
  redis.call('ZREM', P .. 'tickets:open', t.id)
  local booked = {day = t.day, channel = t.channel, category = t.book_category}
  count(booked, 'messages_open', -1)
  count(booked, 'messages_replied')
  local on_time = now <= tonumber(t.deadline_ms)
  if on_time then count(booked, 'messages_replied_on_time') end
  event('ticket_replied', t.session, 'ticket', t.id, 'agent', aid, 'kind', kind, 'on_time', on_time and '1' or '0')
  ticket_changed(t.id)
  return {'state', 'REPLIED'}
end)
