-- A lawyer turns an offer down: OFFERED → QUEUED at the session's original place; that lawyer is
-- not offered this session again for exclusion_ms. A decline is an answer: it ends a run of misses.
-- KEYS[1] {c}:session:<sid>  KEYS[2] {c}:agent:<aid>
-- A[1] offer_id  A[2] aid
return once(function()
  local offer_id, aid = A[1], A[2]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.state ~= 'OFFERED' or s.offer_id ~= offer_id or s.offered_to ~= aid then
    return fail('OFFER_GONE', 'the offer was taken, withdrawn or timed out')
  end
  local now = now_ms()
  redis.call('HSET', KEYS[2], 'misses', 0)
  event('declined', s.id, 'agent', aid)
  requeue(s.id, s, now, 'declined', true)
  return {'state', 'QUEUED'}
end)
