-- The caller rates an answered session once: 满意 / 基本满意 / 不满意.
-- KEYS[1] {c}:session:<sid>
-- A[1] rating: SATISFIED, BASIC_SATISFIED or DISSATISFIED; or, from the phone's keypad survey,
-- NO_INPUT (no digit) or HUNG_UP (the caller hung up during it): booked as their own outcomes,
-- not as ratings.
return once(function()
  local rating = A[1]
  if rating == 'NO_INPUT' or rating == 'HUNG_UP' then
    local s = hash(KEYS[1])
    if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
    if (s.rating or '') ~= '' or (s.survey or '') ~= '' then return fail('ALREADY_RATED', 'the survey is over') end
    redis.call('HSET', KEYS[1], 'survey', rating)
    count(s, rating == 'NO_INPUT' and 'survey_no_input' or 'survey_hung_up')
    event('survey_unrated', s.id, 'outcome', rating)
    return {'state', s.state}
  end
  local metric = ({SATISFIED = 'satisfied', BASIC_SATISFIED = 'basic_satisfied', DISSATISFIED = 'dissatisfied'})[rating]
  if not metric then return fail('BAD_REQUEST', 'unknown rating') end
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if (s.rating or '') ~= '' or (s.survey or '') ~= '' then return fail('ALREADY_RATED', 'this session is already rated') end
  if s.state ~= 'WRAP_UP' and s.state ~= 'CLOSED' and s.state ~= 'TRANSFERRED' then
    return fail('INVALID_STATE', 'only a finished consultation can be rated')
  end
  redis.call('HSET', KEYS[1], 'rating', rating, 'rated_ms', now_ms())
  count(s, 'rated')
  count(s, metric)
  event('rated', s.id, 'rating', rating)
  session_changed(s.id)
  agent_changed(s.lawyer)
  return {'state', s.state}
end)
