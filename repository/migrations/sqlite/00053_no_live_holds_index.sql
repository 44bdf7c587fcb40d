-- +goose Up
-- Since the hold ledger (00050) no query reads claim_holds by listing and end: a listing's holds
-- are read from hold_sums, and only its expired, unswept ones from claim_holds, through
-- claim_holds_expiry. claim_holds_live cost every claim an index entry per occurrence, and it
-- was worse than unused: on a table younger than its statistics the planner took it for the
-- expired holds' read and visited every live hold of the listing.
DROP INDEX claim_holds_live;

-- +goose Down
CREATE INDEX claim_holds_live ON claim_holds (listing_id, ends_at);
