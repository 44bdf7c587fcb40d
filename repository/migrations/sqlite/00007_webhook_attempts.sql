-- +goose Up
-- Every attempt of a delivery (API.md §8: the deliveries list shows attempts), appended in the
-- transaction that records the attempt on its delivery.
CREATE TABLE webhook_attempts (
    delivery_id     TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt         INTEGER NOT NULL,
    at              DATETIME NOT NULL,
    response_status INTEGER,
    error           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, attempt)
);

-- +goose Down
DROP TABLE webhook_attempts;
