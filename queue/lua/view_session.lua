-- Read only: one session as its caller sees it, in one consistent snapshot.
-- KEYS[1] {c}:session:<sid>
-- Returns the session's fields plus position (1 = next; 0 when not waiting) and staffed (lawyers
-- AVAILABLE who may take it: its skill at either level, or its language's general pool), or an
-- empty array when there is no such session.
return session_reply(KEYS[1])
