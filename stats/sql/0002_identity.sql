-- One random id per archive, made when it is first opened: the nodes of a centre compare it with
-- the one recorded in Redis, so a node writing to an archive of its own is refused, not trusted.
CREATE TABLE archive_identity (
  singleton INTEGER PRIMARY KEY,
  id TEXT NOT NULL
);
