-- +goose Up
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

CREATE TABLE orgs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('district', 'street', 'community', 'unit')),
    name          TEXT NOT NULL,
    parent_id     TEXT REFERENCES orgs (id),
    street_id     TEXT,
    district_id   TEXT,
    community_id  TEXT REFERENCES orgs (id),
    address       TEXT NOT NULL DEFAULT '',
    lat           REAL,
    lng           REAL,
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    admin_code    TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id);
CREATE INDEX orgs_street ON orgs (street_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'community_staff', 'liaison')),
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL,
    version       INTEGER NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    expires_at DATETIME NOT NULL,
    spent_at   DATETIME
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- +goose Down
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE orgs;
DROP TABLE signing_keys;
