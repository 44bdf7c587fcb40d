-- +goose Up
-- Holds are read from max(claim start, now) on: the index starts at the end of an occurrence, so
-- a claim's read skips every hold that has ended, however long the listing's history.
CREATE INDEX claim_holds_live ON claim_holds (listing_id, ends_at);
DROP INDEX claim_holds_listing;

-- +goose Down
CREATE INDEX claim_holds_listing ON claim_holds (listing_id, starts_at);
DROP INDEX claim_holds_live;
