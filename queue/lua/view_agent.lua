-- Read only: a lawyer's routing state with their pending offer and open sessions.
-- KEYS[1] {c}:agent:<aid>
-- Returns {agent fields + sessions_today, offered session fields (empty when none), {session fields, ...}}.
local agent = redis.call('HGETALL', KEYS[1])
-- A lawyer never on duty yet has no routing state, but their softphone may be registered already.
local aid = string.sub(KEYS[1], #agent_key('') + 1)
if #agent == 0 then return {{'phone_registered', phone_ready(aid) and '1' or '0'}, {}, {}} end
local a = hash(KEYS[1])
agent[#agent + 1] = 'sessions_today'
agent[#agent + 1] = tostring(sessions_today(a, now_ms()))
agent[#agent + 1] = 'phone_registered'
agent[#agent + 1] = phone_ready(aid) and '1' or '0'
local offer = {}
if (a.offer_sid or '') ~= '' then offer = redis.call('HGETALL', session_key(a.offer_sid)) end
local sessions = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1] .. ':sessions')) do
  sessions[#sessions + 1] = redis.call('HGETALL', session_key(sid))
end
return {agent, offer, sessions}
