-- +goose Up
CREATE TABLE matching_runs (
    id         TEXT PRIMARY KEY,
    street_id  TEXT NOT NULL REFERENCES orgs (id),
    created_by TEXT NOT NULL,
    categories TEXT NOT NULL,
    range_from DATETIME NOT NULL,
    range_to   DATETIME NOT NULL,
    objective  REAL NOT NULL,
    stats      TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE INDEX matching_runs_street ON matching_runs (street_id, id);

CREATE TABLE matching_proposals (
    id           TEXT PRIMARY KEY,
    run_id       TEXT NOT NULL REFERENCES matching_runs (id),
    position     INTEGER NOT NULL,
    need_id      TEXT NOT NULL REFERENCES listings (id),
    offer_id     TEXT NOT NULL REFERENCES listings (id),
    quantity     INTEGER NOT NULL,
    score        REAL NOT NULL,
    agreement_id TEXT,
    claim_id     TEXT REFERENCES claims (id)
);
CREATE INDEX matching_proposals_run ON matching_proposals (run_id, position);

-- +goose Down
DROP TABLE matching_proposals;
DROP TABLE matching_runs;
