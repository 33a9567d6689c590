-- 012: a department's policy is a file (policies/NAME.policy), stored as
-- written and read by every process (cgi-bin/policy_file.c). Loading one
-- adds a row here, in one transaction with its audit event; the latest row
-- is the policy in force. Rows are never changed or deleted, so the policy
-- that was in force at any time can be read again.
CREATE TABLE policy_document (
    id        bigserial PRIMARY KEY,
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 31),
    body      text NOT NULL CHECK (octet_length(body) <= 262144),
    sha256    bytea NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by text NOT NULL
);
CREATE TRIGGER policy_document_no_delete BEFORE DELETE ON policy_document
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER policy_document_no_update BEFORE UPDATE ON policy_document
    FOR EACH ROW EXECUTE FUNCTION refuse_update();

-- The rules were rows of policy_rule (sql/003); they are the file now.
DROP TABLE policy_rule;
DELETE FROM setting WHERE name IN ('policy', 'department');

-- SOP 230.10 C (aid outside the city) or D (within it): the request says
-- which. NULL where the policy in force does not ask.
ALTER TABLE request ADD COLUMN within_city boolean;

-- Duty: on duty until a time (a shift), besides the flag; "not available"
-- in a policy means off duty or past the end of one's shift.
ALTER TABLE account ADD COLUMN duty_until timestamptz;

-- What was filed stays as filed (sql/007): within_city is filed too.
CREATE OR REPLACE FUNCTION request_filed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.kind, NEW.filed_by, NEW.filed_by_agency, NEW.requesting_agency,
        NEW.requesting_agency_type, NEW.within_city, NEW.requester_name, NEW.requester_position,
        NEW.authorized_by, NEW.contact_phone, NEW.contact_email, NEW.channel,
        NEW.incident_type, NEW.nature, NEW.emergency, NEW.priority, NEW.location,
        NEW.municipality, NEW.county, NEW.district, NEW.staging_area, NEW.radio_channel,
        NEW.commander_name, NEW.agencies_on_scene, NEW.squads, NEW.supervisors,
        NEW.personnel, NEW.special_units, NEW.equipment, NEW.needed_by, NEW.duration,
        NEW.instructions, NEW.federal_agency, NEW.case_number, NEW.investigation_category,
        NEW.bureau, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.kind, OLD.filed_by, OLD.filed_by_agency, OLD.requesting_agency,
        OLD.requesting_agency_type, OLD.within_city, OLD.requester_name, OLD.requester_position,
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
