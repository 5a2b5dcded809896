-- 0009: a browser session ends by a row appended here (sign-out, account disabled, password
-- changed, expired) instead of an update of login_session.revoked (no longer written). Two ends
-- of one session at once (a sign-out and another tab's, an administrator disabling the account)
-- updated the same row and DuckDB refused the second ("Conflict on update"): the page that
-- signed out failed. Appended rows never conflict; a session may end twice, harmlessly.
CREATE TABLE login_session_end (
    token_hash  VARCHAR NOT NULL,
    ended_utc   TIMESTAMP NOT NULL
);
INSERT INTO login_session_end SELECT token_hash, last_seen_utc FROM login_session WHERE revoked;
