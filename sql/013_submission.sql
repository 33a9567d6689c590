-- 013: one-time submission keys. Every form that changes something carries
-- a hidden `submission` key; the key is claimed in the same transaction as
-- the change, so the same form sent again (Back and submit, a double click,
-- a retry after a timeout or an unknown outcome) finds it and stores
-- nothing new: the portal answers as it did the first time (`location`).
CREATE TABLE submission (
    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    key        text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.-]{16,80}$'),
    path       text NOT NULL CHECK (length(path) BETWEEN 1 AND 200),
    location   text CHECK (length(location) <= 300),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key, path)
);
CREATE INDEX submission_created ON submission (created_at);
