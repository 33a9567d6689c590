-- 005: the record of sign-ins keeps the login name; deleting an account that
-- only ever signed in (nothing else refers to it) keeps its sign-in record
-- with account_id emptied, instead of refusing the deletion.
ALTER TABLE login_event DROP CONSTRAINT login_event_account_id_fkey;
ALTER TABLE login_event ADD CONSTRAINT login_event_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE SET NULL;
