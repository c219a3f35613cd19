-- Read only: a lawyer's routing state with their pending offer and open sessions.
-- KEYS[1] {c}:agent:<aid>
-- Returns {agent fields + sessions_today and phone_registered, offered session fields (empty when
-- none), {session fields, ...}}, as the 'A:' push carries it.
return agent_reply(string.sub(KEYS[1], #agent_key('') + 1))
