-- Privileges of the portal's own database roles, re-applied after every
-- migration run (idempotent). The roles are created by scripts/stack.sh for
-- the local cluster (and by the operator in production, see README.md);
-- this file grants nothing to a role that does not exist.
--
-- Least privilege, column by column:
--   portal_app       the FastCGI portal: reads what pages show, files
--                    requests, takes actions (status and authorization
--                    columns only: what was filed never changes), adds
--                    notifications, acknowledges them, manages sessions,
--                    sign-in counters and accounts (administrators).
--   portal_notifier  the notifier: delivers e-mail (the email_* columns of
--                    notifications, nothing else of them), runs the policy
--                    timers (adds notifications and audit events, marks what
--                    it notified) and prunes expired sessions and old
--                    sign-in records.
-- Neither may UPDATE or DELETE an audit event (the trail is append-only,
-- hash-chained; `portalctl audit verify`), and the triggers of sql/007
-- refuse what no role may do.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM portal_app;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM portal_app;
        GRANT USAGE ON SCHEMA public TO portal_app;
        GRANT SELECT ON setting, role, account, session, login_event, request, deployment,
            checkin, notification, audit_event, policy_document, policy_exception,
            login_throttle TO portal_app;
        -- Requests: filed once; afterwards only the lifecycle's columns.
        GRANT INSERT ON request TO portal_app;
        GRANT UPDATE (status, updated_at, approved_at, dispatched_at, closed_at,
            authorized_squads, authorized_supervisors, authorized_special_units,
            assessed_squads, assessed_supervisors, assessed_special_units, assessed_at,
            approved_squads, approved_supervisors, approved_special_units,
            denial_reason, teletype_received_at, letter_received_at) ON request TO portal_app;
        GRANT INSERT ON deployment TO portal_app;
        GRANT UPDATE (status, last_checkin_at) ON deployment TO portal_app;
        GRANT INSERT ON checkin, audit_event, policy_exception, login_event TO portal_app;
        -- Notifications: written, then only acknowledged (once, by the
        -- recipient: sql/007 notification_append_only).
        GRANT INSERT ON notification TO portal_app;
        GRANT UPDATE (acknowledged_at, acknowledged_by) ON notification TO portal_app;
        -- Accounts are administered in the portal; only an account nothing
        -- refers to can be deleted (the foreign keys refuse the rest).
        GRANT INSERT, UPDATE, DELETE ON account TO portal_app;
        GRANT INSERT, UPDATE, DELETE ON session TO portal_app;
        -- Second factor (sql/016): recovery codes are made, used and reset.
        GRANT SELECT, INSERT, UPDATE (used_at), DELETE ON recovery_code TO portal_app;
        GRANT INSERT, UPDATE, DELETE ON login_throttle, login_rate TO portal_app;
        GRANT SELECT, INSERT ON submission TO portal_app;
        GRANT SELECT ON process_heartbeat TO portal_app;
        GRANT UPDATE (location) ON submission TO portal_app;
        GRANT SELECT ON login_rate TO portal_app;
        GRANT USAGE ON SEQUENCE request_id_seq, deployment_id_seq, checkin_id_seq,
            notification_id_seq, audit_event_id_seq, policy_exception_id_seq,
            login_event_id_seq, account_id_seq, session_id_seq TO portal_app;
    END IF;

    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_notifier') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM portal_notifier;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM portal_notifier;
        GRANT USAGE ON SCHEMA public TO portal_notifier;
        GRANT SELECT ON setting, role, account, request, deployment, notification,
            policy_document, policy_exception, session, login_event, login_throttle,
            login_rate TO portal_notifier;
        GRANT UPDATE (email_status, email_attempts, email_next_at, email_sent_at, email_error)
            ON notification TO portal_notifier;
        -- The timers (overdue check-ins, SOP 230.10 C.3 follow-ups).
        GRANT INSERT ON notification, audit_event TO portal_notifier;
        GRANT UPDATE (overdue_notified_at) ON deployment TO portal_notifier;
        GRANT UPDATE (followup_notified_at) ON request TO portal_notifier;
        -- Retention: expired sessions, sign-in records past their time.
        GRANT DELETE ON session, login_event, login_throttle, login_rate, submission TO portal_notifier;
        GRANT SELECT ON submission TO portal_notifier;
        GRANT SELECT, INSERT, UPDATE ON process_heartbeat TO portal_notifier;
        GRANT USAGE ON SEQUENCE notification_id_seq, audit_event_id_seq TO portal_notifier;
        -- The sealer links appended audit events into the chain (sql/015).
        GRANT EXECUTE ON FUNCTION audit_seal(integer) TO portal_notifier;
    END IF;
END $$;
