-- 0006: signed-in browser sessions, so a reload or a new tab does not ask for the password again.
-- Only a SHA-256 of the cookie's random token is stored; revoking a row (sign-out, account
-- disabled, password changed) ends that browser's session at its next page load.
CREATE TABLE login_session (
    token_hash     VARCHAR PRIMARY KEY,
    username       VARCHAR NOT NULL,
    started_utc    TIMESTAMP NOT NULL,
    last_seen_utc  TIMESTAMP NOT NULL,
    revoked        BOOLEAN NOT NULL DEFAULT false
);
