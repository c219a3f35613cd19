-- A lawyer's softphone registered (or unregistered): calls may ring it for as long as the
-- registration lasts, and a waiting call may now be offered to them.
-- KEYS[1] {c}:agent:<aid>
-- A[1] aid  A[2] registration lifetime in ms (0 = unregistered)  A[3] contact
return once(function()
  local aid, lifetime, contact = A[1], tonumber(A[2]) or 0, A[3]
  local key = P .. 'phone:' .. aid
  local was = redis.call('EXISTS', key) == 1
  if lifetime > 0 then
    redis.call('SET', key, contact, 'PX', lifetime)
  else
    redis.call('DEL', key)
  end
  if was ~= (lifetime > 0) then event('phone_registration', '', 'agent', aid, 'registered', lifetime > 0 and '1' or '0') end
  agent_changed(aid)
  if lifetime > 0 then match_agent(aid, now_ms()) end
  return {'registered', lifetime > 0 and '1' or '0'}
end)
