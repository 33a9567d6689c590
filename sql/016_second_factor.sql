-- 016: a second factor at sign-in (CJIS Security Policy 5.6.2.2, NIST SP
-- 800-63B §5.1.4: time-based one-time passwords, RFC 6238), the system-use
-- notice (CJIS 5.5.4) and the sessions a person can see and end.

-- The shared secret of an account's authenticator, base32 (RFC 4648) as the
-- authenticator app reads it: `totp_secret` once a code confirmed it,
-- `totp_pending` while it is being offered at enrolment. `totp_last_step`
-- is the RFC 6238 time step of the last code accepted: a code is accepted
-- only for a later step, so a code seen once is never accepted again
-- (RFC 6238 §5.2, one-time).
ALTER TABLE account
    ADD COLUMN totp_secret text CHECK (totp_secret ~ '^[A-Z2-7]{16,128}$'),
    ADD COLUMN totp_pending text CHECK (totp_pending ~ '^[A-Z2-7]{16,128}$'),
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN totp_enrolled_at timestamptz;

-- A password an administrator set is changed at its first sign-in.
ALTER TABLE account ADD COLUMN password_must_change boolean NOT NULL DEFAULT false;

-- Ten single-use recovery codes per enrolled account, for a lost phone.
-- Only a BLAKE2b hash of each is kept (the codes carry 60 random bits, so a
-- fast hash is enough; passwords need Argon2id, these do not).
CREATE TABLE recovery_code (
    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at    timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

-- What a session may do yet: 'full' is signed in; 'code' has passed the
-- password and waits for the second factor (it is no sign-in: the portal
-- treats it as signed out); 'enrol' must enrol a second factor before
-- anything else; 'password' must change a password an administrator set
-- (NIST SP 800-63B §6.1.2.3: a temporary secret is replaced at first use).
ALTER TABLE session ADD COLUMN stage text NOT NULL DEFAULT 'full'
    CHECK (stage IN ('full', 'code', 'enrol', 'password'));
-- A name for a session on the page that lists one's sessions (the token's
-- hash is no business of a page).
ALTER TABLE session ADD COLUMN id bigserial UNIQUE;

INSERT INTO setting (name, value) VALUES
    -- CJIS 5.6.2.2: advanced authentication for every department account
    -- and for federal agencies; outside local agencies per this setting.
    ('second_factor_department', '1'),
    ('second_factor_federal', '1'),
    ('second_factor_local', '0'),
    -- How long the second step of a sign-in may wait for its code.
    ('second_factor_minutes', '5'),
    -- NIST SP 800-63B §5.1.1.2: at least 8; the department asks 12.
    ('password_min_length', '12'),
    -- CJIS 5.5.4: the system-use notice shown before sign-in.
    ('system_use_notice', 'You are accessing a system of the police department that holds '
        || 'criminal justice information. Use is authorized for official purposes only and '
        || 'is monitored and recorded; unauthorized use is prohibited and may be subject to '
        || 'criminal and civil penalties. By signing in you consent to these terms.')
ON CONFLICT (name) DO NOTHING;

-- Whether an account must sign in with a second factor: a department
-- member always (per setting), an outside agency per its type.
CREATE FUNCTION second_factor_required(p_account bigint) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN a.role <> 'agency' THEN setting_int('second_factor_department', 1) <> 0
        WHEN a.agency_type = 'federal' THEN setting_int('second_factor_federal', 1) <> 0
        ELSE setting_int('second_factor_local', 0) <> 0
    END
    FROM account a WHERE a.id = p_account
$$;
