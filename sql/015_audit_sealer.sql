-- The audit trail without a lock every write waits on (docs/audit.md).
--
-- Until now each insert took the chain head's row lock and held it until
-- its transaction ended, so every writer of the portal queued behind the
-- one before it. Now an event is appended freely (its own transaction, no
-- lock shared with anyone) and a sealer, run by the notifier within about a
-- second of the commit, links committed events into the hash chain in the
-- order it finds them: it gives each its chain position (seq), the hash of
-- the event before and its own hash. `portalctl audit verify` checks every
-- sealed event and flags events left unsealed for more than a minute.

ALTER TABLE audit_event
    ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD COLUMN sealed_at timestamptz;

-- The events chained so far were sealed as they were written.
ALTER TABLE audit_event DISABLE TRIGGER USER;
UPDATE audit_event SET sealed_at = at;
ALTER TABLE audit_event ENABLE TRIGGER USER;

ALTER TABLE audit_event ADD CONSTRAINT audit_event_sealed_whole CHECK (
    (seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL)
    AND (seq IS NULL) = (sealed_at IS NULL));

DROP TRIGGER audit_event_chain ON audit_event;
DROP FUNCTION audit_event_chain();

-- An event is stamped, never sealed, by whoever appends it.
CREATE FUNCTION audit_event_stamp() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.at := date_trunc('microseconds', clock_timestamp());
    NEW.seq := NULL;
    NEW.prev_hash := NULL;
    NEW.hash := NULL;
    NEW.sealed_at := NULL;
    PERFORM pg_notify('portal_audit', '');
    RETURN NEW;
END $$;
CREATE TRIGGER audit_event_stamp BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_stamp();

-- What an event says never changes; sealing fills its chain columns once,
-- and only audit_seal() does it (no role is granted UPDATE besides; this
-- refuses the owner's mistakes too).
CREATE FUNCTION audit_event_immutable() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    IF current_setting('portal.sealing', true) IS DISTINCT FROM 'on'
       OR OLD.seq IS NOT NULL
       OR (NEW.id, NEW.request_id, NEW.actor_id, NEW.actor_login, NEW.action, NEW.clause,
           NEW.note, NEW.at)
          IS DISTINCT FROM
          (OLD.id, OLD.request_id, OLD.actor_id, OLD.actor_login, OLD.action, OLD.clause,
           OLD.note, OLD.at) THEN
        RAISE EXCEPTION 'audit events are never changed (only sealed, once, by audit_seal)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_event_immutable BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();

-- Links the committed, unsealed events into the chain, oldest appended
-- first, at most max_events at a time; returns how many. Sealers queue on
-- the chain head (only they do: writers never touch it).
CREATE FUNCTION audit_seal(max_events integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head audit_chain_head;
    e audit_event;
    sealed integer := 0;
BEGIN
    SELECT * INTO head FROM audit_chain_head FOR UPDATE;
    PERFORM set_config('portal.sealing', 'on', true);
    FOR e IN SELECT * FROM audit_event WHERE seq IS NULL ORDER BY id
             LIMIT greatest(1, least(max_events, 10000)) FOR UPDATE
    LOOP
        e.seq := head.seq + 1;
        e.prev_hash := head.hash;
        e.hash := sha256(head.hash || convert_to(audit_event_canonical(e), 'UTF8'));
        UPDATE audit_event SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash,
            sealed_at = now() WHERE id = e.id;
        head.seq := e.seq;
        head.hash := e.hash;
        sealed := sealed + 1;
    END LOOP;
    IF sealed > 0 THEN
        UPDATE audit_chain_head SET seq = head.seq, hash = head.hash;
    END IF;
    PERFORM set_config('portal.sealing', 'off', true);
    RETURN sealed;
END $$;
REVOKE ALL ON FUNCTION audit_seal(integer) FROM PUBLIC;

-- The sealer finds its work, and a request's events read in the order
-- they were appended.
CREATE INDEX audit_event_unsealed ON audit_event (id) WHERE seq IS NULL;
DROP INDEX audit_event_request;
CREATE INDEX audit_event_request ON audit_event (request_id, id);
