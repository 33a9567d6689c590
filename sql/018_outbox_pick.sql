-- The notifier takes the next due notification by walking this index in
-- order and stopping at the first row it can lock (notifier.c,
-- deliver_next). The index of 002 had email_next_at alone, so the tie on id
-- needed a sort, and with the account and request joined before the LIMIT
-- a plan could read and sort the whole backlog for every message: a
-- backlog of 1,400 cost 20 ms a pick (seen in the integration tests), so
-- draining it took time proportional to its square.
CREATE INDEX notification_email_next ON notification (email_next_at, id)
    WHERE email_status = 'pending';
DROP INDEX notification_email_due;
