-- The session archive: one row per finished session, ticket and lawyer status change.
-- Facts only (docs/metrics.md derives every figure from them). Written for both SQLite and
-- PostgreSQL: BIGINT for Unix milliseconds, TEXT for names and enum values.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  category TEXT NOT NULL,
  final_category TEXT NOT NULL,
  language TEXT NOT NULL,
  priority TEXT NOT NULL,
  state TEXT NOT NULL,
  end_reason TEXT NOT NULL,
  enqueued_ms BIGINT NOT NULL,
  day TEXT NOT NULL,
  hour INTEGER NOT NULL,
  answered_ms BIGINT NOT NULL,
  ended_ms BIGINT NOT NULL,
  closed_ms BIGINT NOT NULL,
  lawyer TEXT NOT NULL,
  rating TEXT NOT NULL,
  transferred_to TEXT NOT NULL,
  transfers INTEGER NOT NULL,
  ticket_id TEXT NOT NULL,
  work_order_type TEXT NOT NULL,
  work_order_outcome TEXT NOT NULL,
  work_order_note TEXT NOT NULL,
  work_order_auto INTEGER NOT NULL
);
CREATE INDEX sessions_by_day ON sessions (day);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  channel TEXT NOT NULL,
  category TEXT NOT NULL,
  language TEXT NOT NULL,
  priority TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  day TEXT NOT NULL,
  hour INTEGER NOT NULL,
  deadline_ms BIGINT NOT NULL,
  replied_ms BIGINT NOT NULL,
  reply_kind TEXT NOT NULL,
  replied_by TEXT NOT NULL,
  duplicate_of TEXT NOT NULL,
  contact TEXT NOT NULL,
  question TEXT NOT NULL,
  reply TEXT NOT NULL
);
CREATE INDEX tickets_by_day ON tickets (day);

CREATE TABLE status_changes (
  event_id TEXT PRIMARY KEY,
  lawyer TEXT NOT NULL,
  at_ms BIGINT NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX status_changes_by_time ON status_changes (at_ms);
