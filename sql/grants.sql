-- Privileges of the portal's own database role, re-applied after every
-- migration run (idempotent). The role is created by scripts/stack.sh for
-- the local cluster; with PORTAL_DSN the operator may create it, and this
-- file grants it nothing when it does not exist.
--
-- Least privilege: the portal reads everything, writes only what its
-- handlers write, and can never UPDATE or DELETE an audit event (the trail
-- is append-only; `portalctl audit verify` checks its hash chain).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portal_app') THEN
        RETURN;
    END IF;
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM portal_app;
    GRANT USAGE ON SCHEMA public TO portal_app;
    GRANT SELECT ON setting, role, account, session, login_event, request, deployment, checkin,
        notification, audit_event, policy_rule, policy_exception TO portal_app;
    GRANT INSERT, UPDATE ON account, request, deployment, notification TO portal_app;
    GRANT INSERT, UPDATE, DELETE ON session TO portal_app;
    -- Only an account nothing refers to can be deleted: the foreign keys of
    -- requests, notifications and audit events refuse the rest.
    GRANT DELETE ON account TO portal_app;
    GRANT INSERT ON login_event, checkin, audit_event, policy_exception TO portal_app;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portal_app;
END $$;
