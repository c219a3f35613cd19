-- Acts on due deadlines: offer timeouts, overflow thresholds of a wait, ends of wrap-up, of grace
-- periods and of a decline's exclusion. Every gateway runs it; ZREM before acting makes each
-- deadline fire once. An entry that an earlier one in this batch moved to the future (a new offer's
-- ring timeout, a new exclusion's rematch) is no longer due and is left alone.
-- KEYS[1] {c}:deadlines
-- A[1] the most entries to handle in this call
-- Returns {handled, n}.
-- While `hotline simulate` books past traffic ({c}:simulation is set), the deadlines are in
-- simulated time: only the simulation's own sweeps (with its clock) may act on them.
if CLOCK == '' and redis.call('EXISTS', P .. 'simulation') == 1 then return {'handled', 0} end
local limit = tonumber(A[1]) or 100
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
for _, entry in ipairs(due) do
  local at = redis.call('ZSCORE', KEYS[1], entry)
  local kind, id
  if at and tonumber(at) <= now then
    redis.call('ZREM', KEYS[1], entry)
    kind, id = string.match(entry, '^(%a+):(.+)$')
  end
  if not kind then
    -- moved to the future by an earlier entry of this batch
  elseif kind == 'gone' then
    -- The lawyer's last connection closed and did not come back: sign them out of routing.
    local a = hash(agent_key(id))
    if a and a.status ~= 'OFFLINE' and tonumber(a.connections or '0') == 0 then
      redis.call('HSET', agent_key(id), 'status', 'OFFLINE', 'status_reason', 'disconnected', 'status_ms', now)
      event('agent_status', '', 'agent', id, 'status', 'OFFLINE', 'reason', 'disconnected')
      local pending = a.offer_sid or ''
      if pending ~= '' then
        local s = hash(session_key(pending))
        if s and s.state == 'OFFERED' and s.offered_to == id then requeue(pending, s, now, 'withdrawn', false) end
      end
      refresh_ready(id, now)
      agent_changed(id)
    end
  else
    local s = hash(session_key(id))
    if s and kind == 'offer' and s.state == 'OFFERED' and tonumber(s.offer_expires_ms) <= now then
      miss_offer(id, s, now, 'timeout')
    elseif s and kind == 'wait' and (s.state == 'QUEUED' or s.state == 'OFFERED') then
      -- The wait crossed a threshold: widen the lawyers it may go to, or offer a message.
      local stage = stage_of(s, now)
      if stage >= 2 and s.state == 'QUEUED' then redis.call('ZADD', P .. 'overflow:' .. s.language, s.score, id) end
      if now - tonumber(s.queued_ms) >= S.max_wait_ms and (s.overflow_reason or '') == '' then
        redis.call('HSET', session_key(id), 'overflow_reason', 'max_wait')
        event('overflow_offered', id, 'reason', 'max_wait')
        session_changed(id)
      end
      event('overflow_stage', id, 'stage', stage)
      schedule_overflow(id, s, now)
      match_session(id, now)
    elseif s and kind == 'rematch' then
      match_session(id, now)
      -- Other lawyers' exclusions may end later: look again then.
      local after = hash(session_key(id))
      local next_end = after and after.state == 'QUEUED' and next_exclusion_end(after, now)
      if next_end then redis.call('ZADD', KEYS[1], next_end, 'rematch:' .. id) end
    elseif s and kind == 'grace' and s.caller_connected == '0' then
      if s.state == 'QUEUED' or s.state == 'OFFERED' then
        abandon(id, s, now, 'caller_gone')
      elseif s.state == 'CONNECTED' then
        end_talk(id, s, now, 'caller_gone')
      end
    elseif s and kind == 'wrapup' and s.state == 'WRAP_UP' then
      close_session(id, s, now, {type = '', category = s.category, outcome = '', note = '', auto = '1'})
    end
  end
end
return {'handled', tostring(#due)}
