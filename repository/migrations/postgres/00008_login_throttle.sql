-- +goose Up
-- Failed password attempts per account: after several in a row the account refuses logins for a
-- while (domain.User.LoginFailed), whatever address they come from.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMPTZ;

-- +goose Down
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
