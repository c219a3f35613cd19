-- A phone call's keypad survey that ended without a rating (NO_INPUT, HUNG_UP); '' otherwise.
ALTER TABLE sessions ADD COLUMN survey TEXT NOT NULL DEFAULT '';
