-- Issue 13: the dispatcher's estimate of when a deployment arrives, shown to
-- the agency that asked ("units on their way ... arrival estimate when
-- given"). NULL when none was given.
ALTER TABLE deployment ADD COLUMN eta_at timestamptz;
