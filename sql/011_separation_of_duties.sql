-- 011: separation of duties. Neither policy lets whoever filed a request
-- approve or deny it, and neither says they may: a department rule, not a
-- clause, and labelled as such.
ALTER TABLE policy_rule DROP CONSTRAINT policy_rule_effect_check;
ALTER TABLE policy_rule ADD CONSTRAINT policy_rule_effect_check
    CHECK (effect IN ('file', 'require', 'notify', 'cap', 'approve', 'dispatch', 'checkin',
        'followup', 'exception', 'units', 'separate'));
INSERT INTO policy_rule (preset, id, ordinal, clause, effect, summary) VALUES
('oconomowoc', 'O-SEPARATION', 175, 'Department rule (separation of duties)', 'separate',
  'Whoever filed a request does not approve or deny it: another person decides.'),
('milwaukee', 'M-SEPARATION', 125, 'Department rule (separation of duties)', 'separate',
  'Whoever filed a request does not approve or deny it: another person decides.');
