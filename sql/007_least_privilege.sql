-- 007: the database itself refuses what must never happen, whatever the
-- code asks (least privilege; grants.sql gives each role only its columns).
--
--  - A filed request's fields never change: changes go through audited
--    actions, which write other columns (status, authorizations, ...).
--  - A notification is append-only: only its delivery columns (the
--    notifier's) and its acknowledgment (once, by its recipient) change.
--  - A notification is addressed to someone who holds the role it names:
--    no "chief" notification reaches anyone but a chief.
--  - A request is federal when its kind is federal or its requesting party
--    is a federal agency (98-023 §III.B.4), and a federal request commits
--    only with a notification to the Chief of Police.

-- Who asked: the type of the requesting agency (an outside agency's account
-- gives it; staff logging a call choose it). NULL when we ask others.
ALTER TABLE request ADD COLUMN requesting_agency_type text
    CHECK (requesting_agency_type IN ('local', 'county', 'state', 'tribal', 'federal'));
UPDATE request SET requesting_agency_type = 'federal' WHERE kind = 'federal_incoming';
-- A federal agency asking us is a federal request by its party, whatever
-- its kind; a federal_incoming request always comes from a federal agency.
ALTER TABLE request ADD COLUMN federal boolean GENERATED ALWAYS AS
    (kind LIKE 'federal\_%' OR coalesce(requesting_agency_type = 'federal', false)) STORED;
ALTER TABLE request ADD CONSTRAINT request_federal_incoming_party
    CHECK (kind <> 'federal_incoming' OR requesting_agency_type = 'federal');

-- SOP 230.10 C.3.c: the on-scene assessment is kept beside what was filed,
-- not written over it.
ALTER TABLE request ADD COLUMN assessed_squads integer CHECK (assessed_squads BETWEEN 0 AND 99);
ALTER TABLE request ADD COLUMN assessed_supervisors integer CHECK (assessed_supervisors BETWEEN 0 AND 99);
ALTER TABLE request ADD COLUMN assessed_special_units text[];
ALTER TABLE request ADD COLUMN assessed_at timestamptz;

DROP TRIGGER request_federal_chief ON request;
CREATE CONSTRAINT TRIGGER request_federal_chief
    AFTER INSERT OR UPDATE OF kind, requesting_agency_type ON request
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.federal)
    EXECUTE FUNCTION request_federal_chief_check();

-- What was filed stays as filed (for everyone, the owner included; a
-- migration that must correct data drops and re-creates this trigger).
CREATE FUNCTION request_filed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.kind, NEW.filed_by, NEW.filed_by_agency, NEW.requesting_agency,
        NEW.requesting_agency_type, NEW.requester_name, NEW.requester_position,
        NEW.authorized_by, NEW.contact_phone, NEW.contact_email, NEW.channel,
        NEW.incident_type, NEW.nature, NEW.emergency, NEW.priority, NEW.location,
        NEW.municipality, NEW.county, NEW.district, NEW.staging_area, NEW.radio_channel,
        NEW.commander_name, NEW.agencies_on_scene, NEW.squads, NEW.supervisors,
        NEW.personnel, NEW.special_units, NEW.equipment, NEW.needed_by, NEW.duration,
        NEW.instructions, NEW.federal_agency, NEW.case_number, NEW.investigation_category,
        NEW.bureau, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.kind, OLD.filed_by, OLD.filed_by_agency, OLD.requesting_agency,
        OLD.requesting_agency_type, OLD.requester_name, OLD.requester_position,
        OLD.authorized_by, OLD.contact_phone, OLD.contact_email, OLD.channel,
        OLD.incident_type, OLD.nature, OLD.emergency, OLD.priority, OLD.location,
        OLD.municipality, OLD.county, OLD.district, OLD.staging_area, OLD.radio_channel,
        OLD.commander_name, OLD.agencies_on_scene, OLD.squads, OLD.supervisors,
        OLD.personnel, OLD.special_units, OLD.equipment, OLD.needed_by, OLD.duration,
        OLD.instructions, OLD.federal_agency, OLD.case_number, OLD.investigation_category,
        OLD.bureau, OLD.created_at) THEN
        RAISE EXCEPTION 'request %: what was filed cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER request_filed_immutable BEFORE UPDATE ON request
    FOR EACH ROW EXECUTE FUNCTION request_filed_immutable();

-- Nobody deletes a request, a deployment, a check-in or a notification.
CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER request_no_delete BEFORE DELETE ON request
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER deployment_no_delete BEFORE DELETE ON deployment
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER checkin_no_delete BEFORE DELETE ON checkin
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER notification_no_delete BEFORE DELETE ON notification
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();

-- A notification goes to a holder of the role it names, or is kept for
-- the role (recipient NULL). A forged "chief" notification addressed to
-- anyone else is refused.
CREATE FUNCTION notification_addressed() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.recipient_id IS NOT NULL AND NOT EXISTS
       (SELECT 1 FROM account WHERE id = NEW.recipient_id AND role = NEW.recipient_role) THEN
        RAISE EXCEPTION 'notification for role % addressed to an account that does not hold it',
            NEW.recipient_role USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER notification_addressed BEFORE INSERT ON notification
    FOR EACH ROW EXECUTE FUNCTION notification_addressed();

-- After it is written, a notification changes only in its delivery
-- (email_*) and, once, in its acknowledgment by its recipient (or by a
-- holder of its role when it was kept for the role).
CREATE FUNCTION notification_append_only() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF (NEW.id, NEW.request_id, NEW.recipient_id, NEW.recipient_role, NEW.rule_id,
        NEW.clause, NEW.reason, NEW.created_at, NEW.dedupe_key)
       IS DISTINCT FROM
       (OLD.id, OLD.request_id, OLD.recipient_id, OLD.recipient_role, OLD.rule_id,
        OLD.clause, OLD.reason, OLD.created_at, OLD.dedupe_key) THEN
        RAISE EXCEPTION 'notification %: what was written cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.acknowledged_at, NEW.acknowledged_by) IS DISTINCT FROM
       (OLD.acknowledged_at, OLD.acknowledged_by) THEN
        IF OLD.acknowledged_at IS NOT NULL OR NEW.acknowledged_at IS NULL
           OR NEW.acknowledged_by IS NULL THEN
            RAISE EXCEPTION 'notification %: an acknowledgment is given once and kept', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NOT (NEW.acknowledged_by = OLD.recipient_id OR
                (OLD.recipient_id IS NULL AND EXISTS (SELECT 1 FROM account
                    WHERE id = NEW.acknowledged_by AND role = OLD.recipient_role))) THEN
            RAISE EXCEPTION 'notification %: only its recipient acknowledges it', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER notification_append_only BEFORE UPDATE ON notification
    FOR EACH ROW EXECUTE FUNCTION notification_append_only();

-- A deployment keeps who was sent, for which request, and who authorized
-- it (SOP 230.10 C.3.d); only its status and check-in clock move.
CREATE FUNCTION deployment_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.request_id, NEW.assignee, NEW.account_id, NEW.special_unit,
        NEW.authorized_by, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.request_id, OLD.assignee, OLD.account_id, OLD.special_unit,
        OLD.authorized_by, OLD.created_at) THEN
        RAISE EXCEPTION 'deployment %: who was sent and who authorized it cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deployment_fixed BEFORE UPDATE ON deployment
    FOR EACH ROW EXECUTE FUNCTION deployment_fixed();
