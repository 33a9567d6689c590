-- Loads :n synthetic requests, spread over the last 400 days, with their
-- audit events and the notifications the headline rules require (the
-- supervisor on duty; the chief for every federal request), for the history
-- benchmark. Run as the database owner: scripts/seed-history.sh N.
-- Optional -v first=F numbers the synthetic rows from F (default 1), so that
-- a second load (scripts/bench.py tops a seeded instance up to 100,000)
-- continues the series; either way the notifications and audit events are
-- added for the rows of this load only.
\set ON_ERROR_STOP on
\if :{?first}
\else
\set first 1
\endif
BEGIN;
SELECT coalesce(max(id), 0) AS seed_before FROM request \gset
CREATE TEMP TABLE seed_words (i int, w text);
INSERT INTO seed_words VALUES
 (0, 'armed robbery suspect fled toward the interstate'), (1, 'civil disorder after the stadium game'),
 (2, 'tornado damage and downed power lines'), (3, 'hazardous materials spill on the rail line'),
 (4, 'narcotics distribution ring under investigation'), (5, 'stolen vehicle recovery across county lines'),
 (6, 'active shooter reported at the mall'), (7, 'missing child search in the state forest'),
 (8, 'warehouse fire with explosions'), (9, 'bank fraud and counterfeit checks');
CREATE TEMP TABLE seed_agencies (i int, a text);
INSERT INTO seed_agencies VALUES (0, 'Waukesha County Sheriff''s Office'), (1, 'Delafield Police Department'),
 (2, 'Pewaukee Police Department'), (3, 'Wisconsin State Patrol'), (4, 'Brookfield Police Department'),
 (5, 'Hartland Police Department'), (6, 'FBI Milwaukee Field Office'), (7, 'Jefferson County Sheriff''s Office');

INSERT INTO request (kind, status, filed_by, filed_by_agency, requesting_agency, requester_name, channel,
    incident_type, nature, emergency, priority, location, municipality, squads, special_units,
    federal_agency, case_number, investigation_category, created_at, approved_at, dispatched_at)
SELECT k.kind,
       (ARRAY['submitted','approved','dispatched','closed','closed','closed','denied','cancelled'])[1 + (g % 8)],
       (SELECT id FROM account ORDER BY id LIMIT 1),
       NULL,
       (SELECT a FROM seed_agencies WHERE i = g % 8),
       'Officer ' || (g % 97),
       (ARRAY['portal','phone','teletype','letter','radio'])[1 + (g % 5)],
       (ARRAY['civil_disorder','fire','weather','hazmat','major_crime','active_shooter','terrorism','investigation','other'])[1 + (g % 9)],
       (SELECT w FROM seed_words WHERE i = g % 10) || ' (seed ' || g || ')',
       g % 3 = 0,
       (ARRAY['urgent','routine','low'])[1 + (g % 3)],
       (g % 400) || ' Main Street',
       (ARRAY['Oconomowoc','Milwaukee','Waukesha','Delafield'])[1 + (g % 4)],
       g % 5,
       CASE WHEN g % 7 = 0 THEN '{k9}'::text[] ELSE '{}' END,
       CASE WHEN k.kind LIKE 'federal%' THEN (ARRAY['fbi','atf','dea','usms','hsi'])[1 + (g % 5)] END,
       CASE WHEN k.kind LIKE 'federal%' THEN 'CASE-' || (2025000 + g) END,
       CASE WHEN k.kind = 'federal_investigative' THEN 'narcotics' END,
       now() - make_interval(mins => (g * 5759) % (400 * 1440)),
       CASE WHEN g % 8 IN (1, 2, 3, 4, 5) THEN now() - make_interval(mins => (g * 5759) % (400 * 1440)) + interval '12 minutes' END,
       CASE WHEN g % 8 IN (2, 3, 4, 5) THEN now() - make_interval(mins => (g * 5759) % (400 * 1440)) + interval '25 minutes' END
FROM generate_series(:first, :first + :n - 1) AS g
CROSS JOIN LATERAL (SELECT (ARRAY['aid_incoming','aid_incoming','aid_incoming','aid_outgoing','aid_internal',
       'federal_investigative','federal_emergency','federal_incoming'])[1 + (g % 8)] AS kind) k;

-- The notifications every request of the seed needs.
INSERT INTO notification (request_id, recipient_id, recipient_role, rule_id, clause, reason, created_at,
    acknowledged_at, email_status, email_sent_at)
SELECT r.id, (SELECT id FROM account WHERE role = 'supervisor' ORDER BY id LIMIT 1), 'supervisor',
       'O-SUPERVISOR', '98-023 §V.A', 'Every request for mutual assistance is reported to the shift supervisor/OIC on duty. (seed)',
       r.created_at, CASE WHEN r.id % 2 = 0 THEN r.created_at + interval '5 minutes' END, 'sent', r.created_at
FROM request r WHERE r.id > :seed_before AND r.nature LIKE '%(seed %';
INSERT INTO notification (request_id, recipient_id, recipient_role, rule_id, clause, reason, created_at,
    acknowledged_at, email_status, email_sent_at)
SELECT r.id, (SELECT id FROM account WHERE role = 'chief' ORDER BY id LIMIT 1), 'chief',
       'O-FED-INV-CHIEF', '98-023 §III.B.2', 'The Chief of Police is notified of every federal request. (seed)',
       r.created_at, CASE WHEN r.id % 3 <> 0 THEN r.created_at + interval '2 hours' END, 'sent', r.created_at
FROM request r WHERE r.id > :seed_before AND r.kind LIKE 'federal%' AND r.nature LIKE '%(seed %'
  AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.request_id = r.id AND n.recipient_role = 'chief');
COMMIT;

-- Their audit events, through the audit trail's own trigger, committed
-- 2,000 at a time: in one transaction, each event's update of the chain's
-- head row walks every version of that row the transaction made before
-- (quadratic: 84,000 events in one transaction took 3.5 minutes).
SELECT set_config('seed.before', :'seed_before', false) AS seed_guc \gset
DO $$
DECLARE
    lo  bigint := current_setting('seed.before')::bigint;
    top bigint := (SELECT coalesce(max(id), 0) FROM request);
BEGIN
    WHILE lo < top LOOP
        INSERT INTO audit_event (request_id, actor_id, actor_login, action, note)
        SELECT r.id, r.filed_by, 'seed', 'submitted', 'loaded by scripts/seed-history.sql'
        FROM request r WHERE r.id > lo AND r.id <= lo + 2000 AND r.nature LIKE '%(seed %'
          AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.request_id = r.id)
        ORDER BY r.id;
        COMMIT;
        lo := lo + 2000;
    END LOOP;
END $$;
ANALYZE request;
ANALYZE notification;
SELECT count(*) AS requests FROM request;
