-- The caller rates an answered session once: 满意 / 基本满意 / 不满意.
-- KEYS[1] {c}:session:<sid>
-- A[1] rating: SATISFIED, BASIC_SATISFIED or DISSATISFIED
return once(function()
  local rating = A[1]
  local metric = ({SATISFIED = 'satisfied', BASIC_SATISFIED = 'basic_satisfied', DISSATISFIED = 'dissatisfied'})[rating]
  if not metric then return fail('BAD_REQUEST', 'unknown rating') end
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if (s.rating or '') ~= '' then return fail('ALREADY_RATED', 'this session is already rated') end
  if s.state ~= 'WRAP_UP' and s.state ~= 'CLOSED' and s.state ~= 'TRANSFERRED' then
    return fail('INVALID_STATE', 'only a finished consultation can be rated')
  end
  redis.call('HSET', KEYS[1], 'rating', rating, 'rated_ms', now_ms())
  count(s, 'rated')
  count(s, metric)
  event('rated', s.id, 'rating', rating)
  notify('s', s.id)
  if (s.lawyer or '') ~= '' then notify('a', s.lawyer) end
  return {'state', s.state}
end)
