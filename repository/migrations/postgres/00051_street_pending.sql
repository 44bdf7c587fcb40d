-- +goose Up
-- A street's queue of pending claims (the coordinator's first page, GET /claims?status=pending in
-- a street), in id order: without this index the query read every pending claim of the street
-- through claims_pending and claims_street and sorted them for the first page. Partial, so it
-- holds only what is pending.
CREATE INDEX claims_street_pending ON claims (street_id, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX claims_street_pending;
