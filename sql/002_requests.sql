-- 002: requests, deployments, check-ins, notifications (the outbox) and the
-- append-only, hash-chained audit trail.

CREATE TABLE request (
    id                 bigserial PRIMARY KEY,
    kind               text NOT NULL CHECK (kind IN ('aid_incoming', 'aid_outgoing', 'aid_internal',
                           'federal_investigative', 'federal_emergency', 'federal_incoming')),
    status             text NOT NULL DEFAULT 'submitted'
                       CHECK (status IN ('submitted', 'provisionally_authorized', 'pending_approval',
                           'approved', 'denied', 'dispatched', 'closed', 'cancelled')),
    filed_by           bigint NOT NULL REFERENCES account (id),
    -- The agency of the account that filed it (outside agencies see only
    -- their own agency's requests); NULL when staff filed it.
    filed_by_agency    text,
    requesting_agency  text,
    requester_name     text,
    requester_position text,
    authorized_by      text,
    contact_phone      text,
    contact_email      text,
    channel            text NOT NULL CHECK (channel IN ('portal', 'phone', 'teletype', 'letter', 'radio')),
    incident_type      text CHECK (incident_type IN ('civil_disorder', 'fire', 'weather', 'hazmat',
                           'major_crime', 'active_shooter', 'terrorism', 'investigation', 'other')),
    nature             text NOT NULL,
    emergency          boolean NOT NULL DEFAULT false,
    priority           text NOT NULL DEFAULT 'routine' CHECK (priority IN ('urgent', 'routine', 'low')),
    location           text,
    municipality       text,
    county             text,
    district           text,
    staging_area       text,
    radio_channel      text,
    commander_name     text,
    agencies_on_scene  text,
    squads             integer NOT NULL DEFAULT 0 CHECK (squads BETWEEN 0 AND 99),
    supervisors        integer NOT NULL DEFAULT 0 CHECK (supervisors BETWEEN 0 AND 99),
    personnel          integer NOT NULL DEFAULT 0 CHECK (personnel BETWEEN 0 AND 999),
    special_units      text[] NOT NULL DEFAULT '{}',
    equipment          text,
    needed_by          timestamptz,
    duration           text,
    instructions       text,
    federal_agency     text CHECK (federal_agency IN ('fbi', 'atf', 'dea', 'usms', 'hsi', 'usss',
                           'uspis', 'irs_ci', 'other')),
    case_number        text,
    investigation_category text CHECK (investigation_category IN ('narcotics', 'stolen_property',
                           'intelligence', 'arrest', 'other')),
    bureau             text,
    -- What was authorized so far (SOP 230.10 C.3.a caps) and assessed (C.3.c).
    authorized_squads        integer NOT NULL DEFAULT 0,
    authorized_supervisors   integer NOT NULL DEFAULT 0,
    authorized_special_units text[] NOT NULL DEFAULT '{}',
    denial_reason      text,
    -- SOP 230.10 C.3: a phone request is followed by teletype and letter.
    teletype_received_at timestamptz,
    letter_received_at   timestamptz,
    followup_notified_at timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    approved_at        timestamptz,
    dispatched_at      timestamptz,
    closed_at          timestamptz,
    search             tsvector GENERATED ALWAYS AS (
        to_tsvector('english', coalesce(nature, '') || ' ' || coalesce(location, '') || ' ' ||
            coalesce(municipality, '') || ' ' || coalesce(requesting_agency, '') || ' ' ||
            coalesce(case_number, '') || ' ' || coalesce(requester_name, ''))) STORED
);
CREATE INDEX request_created ON request (created_at DESC, id DESC);
CREATE INDEX request_kind_created ON request (kind, created_at DESC, id DESC);
CREATE INDEX request_status_created ON request (status, created_at DESC, id DESC);
CREATE INDEX request_agency ON request (lower(requesting_agency), created_at DESC);
CREATE INDEX request_filed_by_agency ON request (filed_by_agency, id DESC);
CREATE INDEX request_search ON request USING gin (search);

CREATE TABLE deployment (
    id              bigserial PRIMARY KEY,
    request_id      bigint NOT NULL REFERENCES request (id),
    assignee        text NOT NULL,
    account_id      bigint REFERENCES account (id),
    special_unit    text,
    -- SOP 230.10 C.3.d: nobody responds unless a dispatcher or dispatch
    -- supervisor authorized it; the authorizer is always recorded.
    authorized_by   bigint NOT NULL REFERENCES account (id),
    status          text NOT NULL DEFAULT 'dispatched'
                    CHECK (status IN ('dispatched', 'en_route', 'on_scene', 'clear', 'returned')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_checkin_at timestamptz NOT NULL DEFAULT now(),
    overdue_notified_at timestamptz
);
CREATE INDEX deployment_request ON deployment (request_id);
CREATE INDEX deployment_active ON deployment (last_checkin_at) WHERE status <> 'returned';

CREATE TABLE checkin (
    id            bigserial PRIMARY KEY,
    deployment_id bigint NOT NULL REFERENCES deployment (id),
    status        text NOT NULL CHECK (status IN ('en_route', 'on_scene', 'clear', 'returned')),
    note          text NOT NULL DEFAULT '',
    reported_by   bigint NOT NULL REFERENCES account (id),
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkin_deployment ON checkin (deployment_id, at);

-- The outbox: written in the same transaction as the event that causes it.
-- A notification for a role nobody holds keeps recipient_id NULL and is
-- shown to whoever holds the role (DESIGN.md "Notifications").
CREATE TABLE notification (
    id              bigserial PRIMARY KEY,
    request_id      bigint REFERENCES request (id),
    recipient_id    bigint REFERENCES account (id),
    recipient_role  text NOT NULL REFERENCES role (id),
    rule_id         text,
    clause          text NOT NULL,
    reason          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    acknowledged_by bigint REFERENCES account (id),
    -- E-mail delivery by the notifier: pending -> sent, or none when the
    -- recipient has no address (nothing to send).
    email_status    text NOT NULL DEFAULT 'pending' CHECK (email_status IN ('pending', 'sent', 'none')),
    email_attempts  integer NOT NULL DEFAULT 0,
    email_next_at   timestamptz NOT NULL DEFAULT now(),
    email_sent_at   timestamptz,
    email_error     text,
    -- Timers (overdue check-ins, follow-ups) notify once per period: the
    -- key names the period, and the unique index refuses a second one.
    dedupe_key      text UNIQUE
);
CREATE INDEX notification_recipient ON notification (recipient_id, created_at DESC);
CREATE INDEX notification_role ON notification (recipient_role, created_at DESC) WHERE recipient_id IS NULL;
CREATE INDEX notification_request ON notification (request_id);
CREATE INDEX notification_email_due ON notification (email_next_at) WHERE email_status = 'pending';

-- Wake the notifier as soon as a notification commits.
CREATE FUNCTION notification_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_notification', NEW.id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER notification_wake AFTER INSERT ON notification
    FOR EACH ROW EXECUTE FUNCTION notification_wake();

-- The headline rule: the Chief of Police is notified of every federal
-- request (98-023 §III.B.2-4, and under every preset). Checked at commit, so
-- no code path can commit a federal request without a chief notification.
CREATE FUNCTION request_federal_chief_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM notification
                   WHERE request_id = NEW.id AND recipient_role = 'chief') THEN
        RAISE EXCEPTION 'federal request % has no notification to the Chief of Police', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER request_federal_chief
    AFTER INSERT OR UPDATE OF kind ON request
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.kind LIKE 'federal\_%')
    EXECUTE FUNCTION request_federal_chief_check();

-- The audit trail. Rows are appended only: the portal's role may INSERT and
-- SELECT, never UPDATE or DELETE (see grants.sql). Each row's hash covers
-- its content and the previous row's hash, so an altered or removed row
-- breaks the chain (`portalctl audit verify`).
CREATE TABLE audit_event (
    id          bigserial PRIMARY KEY,
    seq         bigint NOT NULL UNIQUE,
    request_id  bigint REFERENCES request (id),
    actor_id    bigint REFERENCES account (id),
    actor_login text,
    action      text NOT NULL,
    clause      text,
    note        text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);
CREATE INDEX audit_event_request ON audit_event (request_id, seq);

CREATE TABLE audit_chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);
INSERT INTO audit_chain_head VALUES (true, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- The text a row's hash covers. `portalctl audit verify` rebuilds the same
-- text in C (cgi-bin/audit.c); keep the two in step.
CREATE FUNCTION audit_event_canonical(e audit_event) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f',
        e.seq::text,
        coalesce(e.request_id::text, ''),
        coalesce(e.actor_id::text, ''),
        coalesce(e.actor_login, ''),
        e.action,
        coalesce(e.clause, ''),
        e.note,
        to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
$$;

-- Runs as the owner (SECURITY DEFINER) so that the portal's role needs no
-- right on the chain head. The head row lock orders concurrent inserts.
CREATE FUNCTION audit_event_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head audit_chain_head;
BEGIN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := date_trunc('microseconds', clock_timestamp());
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || convert_to(audit_event_canonical(NEW), 'UTF8'));
    UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
