-- 008: sign-in that holds against an adversary.
--
-- Failed sign-ins are counted per login AND source address (CJIS Security
-- Policy 5.5.3 locks the "account/node"): a stranger who knows the chief's
-- login can pause sign-in from their own address, not the chief's. Across
-- all addresses (addr '*') a login only slows down, with a growing delay,
-- never a hard lock. The login is counted whether or not it exists, so the
-- counting itself tells nothing about which logins are real.
CREATE TABLE login_throttle (
    login           text NOT NULL CHECK (length(login) BETWEEN 1 AND 64),
    addr            text NOT NULL CHECK (length(addr) BETWEEN 1 AND 64),
    failures        integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
    blocked_until   timestamptz,
    last_failure_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (login, addr)
);
CREATE INDEX login_throttle_blocked ON login_throttle (blocked_until) WHERE blocked_until IS NOT NULL;

-- Sign-in attempts per source address and minute, whatever the login: a
-- flood from one address is answered 429 before any password is hashed.
CREATE TABLE login_rate (
    addr         text PRIMARY KEY CHECK (length(addr) BETWEEN 1 AND 64),
    window_start timestamptz NOT NULL,
    attempts     integer NOT NULL
);

-- The per-account lock of 001 is replaced by the throttle above.
ALTER TABLE account DROP COLUMN failed_logins;
ALTER TABLE account DROP COLUMN locked_until;

-- Settings an administrator may change (setting rows; the portal reads them
-- when a worker starts). Department rules, not clauses of the policies.
INSERT INTO setting (name, value) VALUES
    ('session_idle_minutes', '30'),         -- CJIS 5.5.5: session lock after 30 minutes
    ('session_max_hours', '12'),            -- absolute lifetime of a session
    ('login_failures_per_address', '5'),    -- CJIS 5.5.3: at most 5 consecutive failures
    ('login_block_minutes', '10'),          -- CJIS 5.5.3: then 10 minutes, doubling after
    ('login_failures_per_login', '20'),     -- across addresses: then a growing delay
    ('login_attempts_per_minute', '30'),    -- per source address, before any hashing
    ('filings_per_hour', '60'),             -- requests one account may file in an hour
    ('login_event_retention_days', '365')   -- CJIS 5.4.7: audit records kept a year
ON CONFLICT (name) DO NOTHING;

-- The key that signs the sign-in form's token, so that a token the portal
-- did not issue is refused before any password is hashed. Two version-4
-- UUIDs come from the server's strong random source (pg_strong_random).
INSERT INTO setting (name, value)
    SELECT 'login_token_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
ON CONFLICT (name) DO NOTHING;

-- Retention and rate limits read these.
CREATE INDEX request_filed_by_created ON request (filed_by, created_at);
CREATE INDEX login_event_at ON login_event (at);
CREATE INDEX session_last_seen ON session (last_seen_at);
ALTER TABLE session ADD COLUMN remote_addr text CHECK (length(remote_addr) <= 64);
ALTER TABLE session ADD COLUMN user_agent text CHECK (length(user_agent) <= 300);

CREATE FUNCTION setting_int(setting_name text, fallback integer) RETURNS integer
    LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::integer FROM setting WHERE name = setting_name), fallback)
$$;

-- One sign-in attempt of `login` from `addr`, decided in one step before
-- any password is hashed, so that parallel attempts cannot slip past a
-- pause (each statement below locks the row it counts on):
--   'rate'   the address sent more than login_attempts_per_minute attempts
--            this minute (any login);
--   'paused' the login is paused for this address (5 failures in a row:
--            10 minutes, doubling up to a day) or, across all addresses, is
--            being slowed down (20 failures in a row: 2^(n-20) seconds, at
--            most 5 minutes);
--   'ok'     the attempt may go on. It is counted as a failure now
--            ("charged first"): a success clears it (login_attempt_ok), so
--            however many attempts arrive at once, at most
--            login_failures_per_address of them are ever checked.
-- retry_after: seconds until an attempt may be admitted again.
CREATE FUNCTION login_attempt_begin(p_login text, p_addr text,
    OUT verdict text, OUT retry_after integer) LANGUAGE plpgsql AS $$
DECLARE
    per_min  integer := setting_int('login_attempts_per_minute', 30);
    per_addr integer := setting_int('login_failures_per_address', 5);
    block    integer := setting_int('login_block_minutes', 10);
    per_all  integer := setting_int('login_failures_per_login', 20);
    n        integer;
    node     login_throttle;
    total    login_throttle;
BEGIN
    INSERT INTO login_rate AS r (addr, window_start, attempts)
        VALUES (p_addr, date_trunc('minute', now()), 1)
    ON CONFLICT (addr) DO UPDATE SET
        attempts = CASE WHEN r.window_start = date_trunc('minute', now()) THEN r.attempts + 1 ELSE 1 END,
        window_start = date_trunc('minute', now())
    RETURNING attempts INTO n;
    IF n > per_min THEN
        verdict := 'rate';
        retry_after := greatest(1, 60 - extract(second FROM now())::integer);
        RETURN;
    END IF;

    -- Both rows exist and are locked (FOR UPDATE) before either is read.
    INSERT INTO login_throttle (login, addr) VALUES (p_login, p_addr), (p_login, '*')
        ON CONFLICT (login, addr) DO NOTHING;
    SELECT * INTO node FROM login_throttle WHERE login = p_login AND addr = p_addr FOR UPDATE;
    SELECT * INTO total FROM login_throttle WHERE login = p_login AND addr = '*' FOR UPDATE;
    IF node.blocked_until > now() OR total.blocked_until > now() THEN
        verdict := 'paused';
        retry_after := ceil(extract(epoch FROM greatest(coalesce(node.blocked_until, now()),
            coalesce(total.blocked_until, now())) - now()))::integer;
        RETURN;
    END IF;
    UPDATE login_throttle SET failures = failures + 1, last_failure_at = now(),
        blocked_until = CASE WHEN failures + 1 >= per_addr
            THEN now() + make_interval(mins => least(24 * 60, block * power(2, least(failures + 1 - per_addr, 10)))::integer)
            END
        WHERE login = p_login AND addr = p_addr;
    UPDATE login_throttle SET failures = failures + 1, last_failure_at = now(),
        blocked_until = CASE WHEN failures + 1 >= per_all
            THEN now() + make_interval(secs => least(300, power(2, least(failures + 1 - per_all, 10)))::integer)
            END
        WHERE login = p_login AND addr = '*';
    verdict := 'ok';
    retry_after := 0;
END $$;

-- The attempt succeeded: the failures counted for this login are cleared
-- (from this address and across all); the pauses of other addresses stay.
-- Rows are locked in the order login_attempt_begin locks them (this
-- address, then '*'), so the two never wait on each other in a cycle.
CREATE FUNCTION login_attempt_ok(p_login text, p_addr text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM login_throttle WHERE login = p_login AND addr = p_addr FOR UPDATE;
    PERFORM 1 FROM login_throttle WHERE login = p_login AND addr = '*' FOR UPDATE;
    DELETE FROM login_throttle WHERE login = p_login AND addr IN (p_addr, '*');
END $$;
