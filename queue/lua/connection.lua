-- A caller's or lawyer's connection came or went. Going starts a grace period (deadline
-- grace:<sid> or gone:<aid>); coming back within it cancels the deadline, so nothing is lost.
-- A caller's latest connection wins: the close of one they already replaced (a resume from
-- another network or gateway, seen late) changes nothing.
-- KEYS[1] {c}:session:<sid> or {c}:agent:<aid>
-- A[1] kind: 'caller' or 'agent'  A[2] id  A[3] '1' connected, '0' disconnected
-- A[4] the caller's connection id
return once(function()
  local kind, id, connected, connection = A[1], A[2], A[3] == '1', A[4] or ''
  local deadline = (kind == 'caller' and 'grace:' or 'gone:') .. id
  local now = now_ms()
  if kind == 'caller' then
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return fail('SESSION_NOT_FOUND', 'no such session') end
    local latest = redis.call('HGET', KEYS[1], 'caller_conn')
    if connected then
      redis.call('HSET', KEYS[1], 'caller_conn', connection)
    elseif latest and latest ~= '' and latest ~= connection then
      return {'state', state}
    end
    redis.call('HSET', KEYS[1], 'caller_connected', connected and 1 or 0, 'caller_left_ms', connected and '' or now)
    local live = state == 'QUEUED' or state == 'OFFERED' or state == 'CONNECTED'
    if connected or not live then
      redis.call('ZREM', P .. 'deadlines', deadline)
    else
      redis.call('ZADD', P .. 'deadlines', now + S.grace_ms, deadline)
    end
    if not connected and state == 'CONNECTED' then
      agent_changed(redis.call('HGET', KEYS[1], 'lawyer'))
    end
    return {'state', state}
  end
  -- Counted even before the lawyer's first status change, so a second tab closing cannot sign out the first.
  local n = redis.call('HINCRBY', KEYS[1], 'connections', connected and 1 or -1)
  if n < 0 then
    redis.call('HSET', KEYS[1], 'connections', 0)
    n = 0
  end
  if n > 0 then
    redis.call('ZREM', P .. 'deadlines', deadline)
  else
    redis.call('ZADD', P .. 'deadlines', now + S.grace_ms, deadline)
  end
  return {'connections', tostring(n)}
end)
