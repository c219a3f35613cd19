-- A supervisor marks a waiting caller urgent: the session moves up by urgent_boost_ms from its
-- arrival (FIFO among the urgent), keeping its place if it is already further ahead.
-- KEYS[1] {c}:session:<sid>
-- A[1] supervisor's id
-- Returns {state}.
return once(function()
  local by = A[1]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.state ~= 'QUEUED' and s.state ~= 'OFFERED' then
    return fail('INVALID_STATE', 'only a waiting session can be marked urgent')
  end
  local now = now_ms()
  local boosted = (tonumber(s.enqueued_ms) - S.urgent_boost_ms) * 1000 + tonumber(s.seq or '0')
  if boosted < tonumber(s.score) then s.score = boosted end
  redis.call('HSET', KEYS[1], 'priority', 'URGENT', 'score', s.score)
  if s.state == 'QUEUED' then enter_queue(s.id, s, now) end
  event('priority', s.id, 'priority', 'URGENT', 'by', by)
  session_changed(s.id)
  if s.state == 'QUEUED' then notify_queue(s.skill, rank_in_queue(s.id, s.skill)) end
  return {'state', s.state}
end)
