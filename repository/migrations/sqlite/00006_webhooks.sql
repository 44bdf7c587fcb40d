-- +goose Up
-- Webhooks (API.md §8). The secret is stored in plain: the server must compute HMACs with it on
-- every delivery, so a hash would be useless. street_id / org_id are the creator's event scope
-- at creation (domain.EventScope): both empty for an admin.
CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    street_id  TEXT NOT NULL DEFAULT '',
    org_id     TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    deleted_at DATETIME
);
CREATE INDEX webhooks_created_by ON webhooks (created_by, id);

-- One row per (webhook, event): the unique key is what keeps two replicas fanning out the same
-- events from delivering twice. attempt counts the attempts made; the other columns describe
-- the latest one.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id),
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    attempt          INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    response_status  INTEGER,
    error            TEXT NOT NULL DEFAULT '',
    next_attempt_at  DATETIME NOT NULL,
    first_attempt_at DATETIME,
    created_at       DATETIME NOT NULL,
    delivered_at     DATETIME,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'failed');
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- The fan-out position in the events feed: the id of the last event fanned out ('' for none).
-- One row, moved by compare-and-set so that concurrent dispatchers cannot both advance it.
CREATE TABLE webhook_cursor (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id TEXT NOT NULL
);
INSERT INTO webhook_cursor (id, event_id) VALUES (1, '');

-- +goose Down
DROP TABLE webhook_cursor;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
