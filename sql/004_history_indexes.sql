-- 004: indexes for the history page at scale (100,000 requests and more).
-- The agency filter is a case-insensitive prefix match: LIKE 'x%' can use a
-- btree only with the pattern operator class under a non-C collation.
DROP INDEX request_agency;
CREATE INDEX request_agency_prefix ON request (lower(requesting_agency) text_pattern_ops);
-- The timers and the dashboard look for telephone requests whose teletype or
-- letter is missing (SOP 230.10 C.3).
CREATE INDEX request_followup_due ON request (created_at)
    WHERE channel = 'phone' AND (teletype_received_at IS NULL OR letter_received_at IS NULL);
CREATE INDEX notification_request_role ON notification (request_id, recipient_role);
-- The unacknowledged count in every page's header.
CREATE INDEX notification_unacked ON notification (recipient_id) WHERE acknowledged_at IS NULL;
CREATE INDEX notification_role_unacked ON notification (recipient_role)
    WHERE recipient_id IS NULL AND acknowledged_at IS NULL;
