-- +goose Up
-- Third-party apps using OAuth 2.0 client credentials (API.md §2). Only SHA-256 hashes of the
-- secrets are stored; the previous secret keeps working until previous_secret_expires_at so an
-- app can be redeployed with the new one after a rotation.
CREATE TABLE clients (
    id                         TEXT PRIMARY KEY,
    client_id                  TEXT NOT NULL UNIQUE,
    name                       TEXT NOT NULL,
    org_id                     TEXT NOT NULL REFERENCES orgs (id),
    scopes                     TEXT NOT NULL,
    secret_hash                TEXT NOT NULL,
    previous_secret_hash       TEXT,
    previous_secret_expires_at DATETIME,
    revoked_at                 DATETIME,
    created_by                 TEXT NOT NULL REFERENCES users (id),
    version                    INTEGER NOT NULL,
    created_at                 DATETIME NOT NULL,
    updated_at                 DATETIME NOT NULL
);
CREATE INDEX clients_org ON clients (org_id);

-- +goose Down
DROP TABLE clients;
