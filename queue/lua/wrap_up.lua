-- The lawyer files the session's work order (工单): WRAP_UP → CLOSED (TRANSFERRED after a transfer
-- out); their capacity is freed.
-- KEYS[1] {c}:session:<sid>  KEYS[2] {c}:agent:<aid>
-- A[1] aid  A[2] type  A[3] category  A[4] outcome  A[5] note
return once(function()
  local aid = A[1]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.lawyer ~= aid then return fail('FORBIDDEN', 'not this lawyer\'s session') end
  if s.state ~= 'WRAP_UP' then return fail('INVALID_STATE', 'the session is ' .. s.state) end
  close_session(s.id, s, now_ms(), {type = A[2], category = A[3], outcome = A[4], note = A[5], auto = '0'})
  return {'state', redis.call('HGET', KEYS[1], 'state')}
end)
