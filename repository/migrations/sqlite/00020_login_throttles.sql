-- +goose Up
-- Login throttling by key (domain.LoginThrottle): one row per (username, client address) and one
-- per username, whether or not the account exists, so the answers never tell. The key is a hash:
-- whatever a client sends as a username is never stored.
CREATE TABLE login_throttles (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until DATETIME,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX login_throttles_updated ON login_throttles (updated_at);
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;

-- A session is valid while its user's session epoch is the one it was created in: changing the
-- password or deactivating the user moves the epoch and so ends every session at once.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_epoch INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sessions DROP COLUMN user_epoch;
ALTER TABLE users DROP COLUMN session_epoch;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until DATETIME;
DROP TABLE login_throttles;
