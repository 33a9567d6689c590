-- 014: processes say they are alive. The notifier writes its row every few
-- seconds; /healthz.json, `portalctl status` and the administrators'
-- dashboard read it to say whether mail is flowing ("degraded" when the
-- notifier has not been seen for two minutes, or mail is two minutes
-- behind).
CREATE TABLE process_heartbeat (
    name       text NOT NULL CHECK (name IN ('notifier')),
    host       text NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
    pid        integer NOT NULL,
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL,
    PRIMARY KEY (name, host)
);
