-- One chat line into the session's transcript stream; the stream id is the message id.
-- KEYS[1] {c}:session:<sid>
-- A[1] from: 'caller' or 'lawyer'  A[2] aid (lawyer)  A[3] sender name  A[4] text
-- Returns {message_id, sent_ms}. Publishes the line itself ('c:' and the MessagePack array {sid,
-- lawyer, request id, message id, from, sent ms, name, text}), so both sides show it without reading the
-- transcript back; the pushed line, not a state, answers the request.
return once(function()
  local from, aid, name, text = A[1], A[2], A[3], A[4]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if from == 'lawyer' and s.lawyer ~= aid then return fail('FORBIDDEN', 'not this lawyer\'s session') end
  if s.state ~= 'CONNECTED' then return fail('INVALID_STATE', 'chat is open only while connected') end
  local now = now_ms()
  local id = redis.call('XADD', P .. 'chat:' .. s.id, 'MAXLEN', '~', '10000', '*', 'from', from, 'name', name,
    'text', text, 'ms', now)
  publish('c:', {s.id, s.lawyer or '', REQUEST_ID, id, from, tostring(now), name, text})
  return {'message_id', id, 'sent_ms', tostring(now)}
end, 'reply')
