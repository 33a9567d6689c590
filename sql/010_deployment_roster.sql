-- 010: who can be sent, and what a deployment is.
--
-- Only the department's own sworn, active members are dispatched (a login
-- from the roster, never free text), and a deployment says what it is:
-- a squad, a supervisor, or which specialized unit. The caps of SOP 230.10
-- C.3.a and D count each kind separately on what was actually sent.

-- How a member of each role goes out when dispatched (NULL: never; outside
-- agencies and the civilian staff of the communications center and
-- administration are not sworn).
ALTER TABLE role ADD COLUMN deploys_as text CHECK (deploys_as IN ('squad', 'supervisor'));
UPDATE role SET deploys_as = 'squad' WHERE id IN ('officer', 'detective');
UPDATE role SET deploys_as = 'supervisor'
    WHERE id IN ('supervisor', 'commander', 'watch_commander', 'unit_commander', 'bureau_chief', 'chief');

ALTER TABLE deployment ADD COLUMN unit_type text NOT NULL DEFAULT 'squad'
    CHECK (unit_type IN ('squad', 'supervisor', 'special_unit'));
UPDATE deployment SET unit_type = 'special_unit' WHERE special_unit IS NOT NULL;
ALTER TABLE deployment ALTER COLUMN unit_type DROP DEFAULT;
ALTER TABLE deployment ADD CONSTRAINT deployment_unit_named
    CHECK ((unit_type = 'special_unit') = (special_unit IS NOT NULL));
-- A squad or a supervisor is a person of the roster. Deployments written
-- before this migration (free text) are kept as they were: NOT VALID.
ALTER TABLE deployment ADD CONSTRAINT deployment_person_named
    CHECK (unit_type = 'special_unit' OR account_id IS NOT NULL) NOT VALID;

CREATE FUNCTION deployment_sworn() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NEW.account_id IS NOT NULL AND NOT EXISTS
       (SELECT 1 FROM account a JOIN role r ON r.id = a.role
        WHERE a.id = NEW.account_id AND NOT a.disabled AND r.deploys_as = NEW.unit_type) THEN
        RAISE EXCEPTION 'deployment: only an active sworn member of the department is dispatched, as what their role goes out as'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deployment_sworn BEFORE INSERT ON deployment
    FOR EACH ROW EXECUTE FUNCTION deployment_sworn();

-- What an approval approved (SOP 230.10 C.3.a, D): dispatches are checked
-- against it, cumulatively. NULL: approved without numbers.
ALTER TABLE request ADD COLUMN approved_squads integer CHECK (approved_squads BETWEEN 0 AND 99);
ALTER TABLE request ADD COLUMN approved_supervisors integer CHECK (approved_supervisors BETWEEN 0 AND 99);
ALTER TABLE request ADD COLUMN approved_special_units text[];

-- What a deployment is never changes either (sql/007 deployment_fixed).
CREATE OR REPLACE FUNCTION deployment_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.request_id, NEW.assignee, NEW.account_id, NEW.special_unit, NEW.unit_type,
        NEW.authorized_by, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.request_id, OLD.assignee, OLD.account_id, OLD.special_unit, OLD.unit_type,
        OLD.authorized_by, OLD.created_at) THEN
        RAISE EXCEPTION 'deployment %: who was sent and who authorized it cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
