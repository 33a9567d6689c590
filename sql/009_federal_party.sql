-- 009: the chief rule follows the requesting party as well as the kind
-- (98-023 §III.B.4: "whenever Federal authorities request our assistance or
-- cooperation, the Chief of Police shall be notified"), whatever kind the
-- request was filed as.
ALTER TABLE policy_rule DROP CONSTRAINT policy_rule_condition_check;
ALTER TABLE policy_rule ADD CONSTRAINT policy_rule_condition_check
    CHECK (condition IN ('always', 'emergency', 'special_unit', 'phone', 'beyond_one_squad',
        'beyond_cap', 'federal', 'federal_party'));

UPDATE policy_rule SET kinds = '{}', condition = 'federal_party',
    summary = 'Whenever federal authorities ask for our assistance or cooperation, whatever the form of the request, the Chief of Police is notified.'
    WHERE preset = 'oconomowoc' AND id = 'O-FED-IN-CHIEF';
UPDATE policy_rule SET kinds = '{}', condition = 'federal',
    summary = 'The Chief of Police is notified of every request to or from a federal agency, whatever the form of the request.'
    WHERE preset = 'milwaukee' AND id = 'M-FED-CHIEF';
