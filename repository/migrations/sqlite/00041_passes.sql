-- +goose Up
-- Listings people may claim themselves (API.md §4, §10).
ALTER TABLE listings ADD COLUMN open_to_people BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE listings ADD COLUMN people_auto_approve BOOLEAN NOT NULL DEFAULT 0;

-- Passes (通行证): part of an approved claim handed on to a person. At every instant the active
-- passes of a claim hold at most the claim's quantity; issuing locks the claim row first.
CREATE TABLE passes (
    id            TEXT PRIMARY KEY,
    claim_id      TEXT NOT NULL REFERENCES claims (id),
    person_id     TEXT NOT NULL REFERENCES people (id),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    window_start  DATETIME NOT NULL,
    window_end    DATETIME NOT NULL,
    window_rrule  TEXT NOT NULL DEFAULT '',
    timezone      TEXT NOT NULL,
    plate         TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    code          TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    issued_by     TEXT NOT NULL,
    revoked_by    TEXT NOT NULL DEFAULT '',
    revoked_at    DATETIME,
    revoke_reason TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX passes_claim ON passes (claim_id, status);
CREATE INDEX passes_person ON passes (person_id, id);

-- Service records (服务记录): one row per occurrence of a fulfilled person's claim on a need,
-- with the person's community and employer at that time. Times are Unix seconds.
CREATE TABLE service_records (
    claim_id        TEXT NOT NULL REFERENCES claims (id),
    person_id       TEXT NOT NULL REFERENCES people (id),
    community_id    TEXT NOT NULL,
    street_id       TEXT NOT NULL,
    employer_org_id TEXT,
    category        TEXT NOT NULL,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    seconds         INTEGER NOT NULL,
    PRIMARY KEY (claim_id, starts_at)
);
CREATE INDEX service_records_person ON service_records (person_id, starts_at);
CREATE INDEX service_records_employer ON service_records (employer_org_id, starts_at);
CREATE INDEX service_records_street ON service_records (street_id, starts_at);

-- +goose Down
DROP TABLE service_records;
DROP TABLE passes;
ALTER TABLE listings DROP COLUMN people_auto_approve;
ALTER TABLE listings DROP COLUMN open_to_people;
