-- 001: accounts, sessions, sign-in record, settings.
-- Applied once by `portalctl migrate`, as the database owner, in one transaction.

CREATE TABLE setting (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- The roles of DESIGN.md "Who uses it". `staff` marks the department's own
-- people (everyone but outside agencies): staff may read every request.
CREATE TABLE role (
    id    text PRIMARY KEY,
    title text NOT NULL,
    staff boolean NOT NULL
);

INSERT INTO role (id, title, staff) VALUES
    ('agency',              'Outside agency',                    false),
    ('officer',             'Officer',                           true),
    ('detective',           'Detective',                         true),
    ('supervisor',          'Shift supervisor / OIC',            true),
    ('dispatcher',          'Dispatcher',                        true),
    ('dispatch_supervisor', 'Dispatch supervisor',               true),
    ('commander',           'District / division commander',     true),
    ('bureau_chief',        'Bureau chief (assistant chief / inspector)', true),
    ('watch_commander',     'Night watch commander',             true),
    ('unit_commander',      'Specialized unit commander',        true),
    ('chief',               'Chief of Police',                   true),
    ('admin',               'Administrator',                     true);

CREATE TABLE account (
    id            bigserial PRIMARY KEY,
    login         text NOT NULL UNIQUE
                  CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
    full_name     text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email         text CHECK (email IS NULL OR length(email) <= 254),
    role          text NOT NULL REFERENCES role (id),
    agency        text CHECK (agency IS NULL OR length(agency) <= 200),
    agency_type   text CHECK (agency_type IN ('local', 'county', 'state', 'tribal', 'federal')),
    bureau        text CHECK (bureau IS NULL OR length(bureau) <= 100),
    district      text CHECK (district IS NULL OR length(district) <= 100),
    unit          text CHECK (unit IS NULL OR unit IN ('swat', 'negotiator', 'bomb', 'k9',
                      'mobile_field_force', 'dive', 'aviation', 'crime_scene', 'investigators')),
    on_duty       boolean NOT NULL DEFAULT true,
    disabled      boolean NOT NULL DEFAULT false,
    password_hash text NOT NULL,
    -- 5 failed sign-ins in a row lock the account for 15 minutes.
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- An outside agency's account always names its agency.
    CHECK (role <> 'agency' OR agency IS NOT NULL)
);
CREATE INDEX account_role ON account (role) WHERE NOT disabled;

-- Sessions live in the database, so workers keep no session state and more
-- application hosts can stand behind one nginx upstream. Only a hash of the
-- cookie value is stored: a copy of this table does not let anyone sign in.
CREATE TABLE session (
    token_hash   bytea PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES account (id),
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_account ON session (account_id);

CREATE TABLE login_event (
    id          bigserial PRIMARY KEY,
    login       text NOT NULL,
    account_id  bigint REFERENCES account (id),
    success     boolean NOT NULL,
    reason      text NOT NULL,
    remote_addr text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_event_account ON login_event (account_id, at);
