-- +goose Up
-- People registered with a community (API.md §10): residents and in-service party members.
-- external_id is the person's id in the app external_client_id names (a mini-program's openid);
-- it is unique per app among active people, so a resident who left can register again.
CREATE TABLE people (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    phone              TEXT NOT NULL,
    community_id       TEXT NOT NULL REFERENCES orgs (id),
    street_id          TEXT NOT NULL,
    employer_org_id    TEXT REFERENCES orgs (id),
    party_member       BOOLEAN NOT NULL,
    skills             TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending', 'verified')),
    active             BOOLEAN NOT NULL,
    external_client_id TEXT REFERENCES clients (client_id),
    external_id        TEXT,
    registered_by      TEXT NOT NULL,
    verified_by        TEXT NOT NULL DEFAULT '',
    verified_at        DATETIME,
    deactivated_at     DATETIME,
    version            INTEGER NOT NULL,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL,
    CHECK ((external_client_id IS NULL) = (external_id IS NULL))
);
CREATE UNIQUE INDEX people_external ON people (external_client_id, external_id) WHERE active;
CREATE INDEX people_community ON people (community_id, id);
CREATE INDEX people_street ON people (street_id, id);
CREATE INDEX people_employer ON people (employer_org_id, id);

-- +goose Down
DROP TABLE people;
