-- A lawyer moves a connected session on. To another skill: CONNECTED → QUEUED in that skill's
-- queue at the session's original score (ahead of everyone who came after it); the lawyer's
-- capacity is freed and the next lawyer files the work order. Out to another hotline:
-- CONNECTED → WRAP_UP; filing the work order closes it as TRANSFERRED.
-- KEYS[1] {c}:session:<sid>
-- A[1] aid  A[2] kind: 'skill' or 'out'  A[3] skill "category:language" or destination code
-- Returns {state}.
return once(function()
  local aid, kind, target = A[1], A[2], A[3]
  local s = hash(KEYS[1])
  if not s then return fail('SESSION_NOT_FOUND', 'no such session') end
  if s.lawyer ~= aid then return fail('FORBIDDEN', 'not this lawyer\'s session') end
  if s.state ~= 'CONNECTED' then return fail('INVALID_STATE', 'only a connected session can be transferred') end
  local now = now_ms()
  local sid = s.id
  if kind == 'out' then
    redis.call('HSET', KEYS[1], 'transferred_to', target)
    count(s, 'transferred_out')
    event('transferred', sid, 'agent', aid, 'to', 'out', 'destination', target)
    end_talk(sid, s, now, 'transferred')
    return {'state', 'WRAP_UP'}
  end
  if kind ~= 'skill' then return fail('BAD_REQUEST', 'unknown transfer kind') end
  local category, language = string.match(target, '^([^:]+):([^:]+)$')
  if not category then return fail('BAD_REQUEST', 'a skill is category:language') end
  if target == s.skill then return fail('INVALID_STATE', 'the session is already in that queue') end
  local from_skill = s.skill
  s.skill, s.language, s.queued_ms = target, language, now
  local transfers = redis.call('HINCRBY', KEYS[1], 'transfers', 1)
  redis.call('HSET', KEYS[1], 'state', 'QUEUED', 'skill', target, 'language', language, 'route_category', category,
    'queued_ms', now, 'lawyer', '', 'lawyer_name', '', 'previous_lawyer', aid)
  exclude(sid, s, aid, now)
  redis.call('ZREM', P .. 'deadlines', 'grace:' .. sid)
  if s.caller_connected == '0' then redis.call('ZADD', P .. 'deadlines', now + S.grace_ms, 'grace:' .. sid) end
  -- The new queue may have nobody on duty: the caller is offered a message at once, as at arrival.
  local overflow_reason = staffed_for(s) == 0 and 'no_lawyer_on_duty' or ''
  redis.call('HSET', KEYS[1], 'overflow_reason', overflow_reason)
  if overflow_reason ~= '' then event('overflow_offered', sid, 'reason', overflow_reason) end
  count(s, 'transferred_internal')
  event('transferred', sid, 'agent', aid, 'to', 'skill', 'from_skill', from_skill, 'skill', target,
    'transfers', transfers)
  enter_queue(sid, s, now)
  schedule_overflow(sid, s, now)
  release_lawyer(aid, sid, s, now)
  session_changed(sid)
  notify_queue(target, rank_in_queue(sid, target))
  match_session(sid, now)
  match_agent(aid, now)
  return {'state', redis.call('HGET', KEYS[1], 'state')}
end)
