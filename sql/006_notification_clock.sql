-- 006: a notification's time is the moment it was written, not the start of
-- its transaction, so on a request's timeline it follows the event that
-- caused it (audit events use clock_timestamp() too).
ALTER TABLE notification ALTER COLUMN created_at SET DEFAULT clock_timestamp();
