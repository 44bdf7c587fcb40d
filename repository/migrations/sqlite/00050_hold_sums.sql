-- +goose Up
-- The hold ledger: for every listing, claimant and interval, the sum of the claim_holds rows
-- present (pending, expired but not yet swept, and approved alike). Every statement that inserts
-- or deletes holds changes it in the same transaction. A claim reads its listing's ledger rows
-- (one per claimant and occurrence, however many claims share them) and subtracts the few holds
-- whose pending claim has expired but is not yet swept, read through claim_holds_expiry; so the
-- claim transaction's cost no longer grows with the number of claims on the listing.
CREATE TABLE hold_sums (
    listing_id         TEXT   NOT NULL,
    ends_at            INTEGER NOT NULL,
    starts_at          INTEGER NOT NULL,
    claimant_org_id    TEXT   NOT NULL,
    claimant_person_id TEXT   NOT NULL DEFAULT '',
    quantity           INTEGER NOT NULL,
    PRIMARY KEY (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id)
);
INSERT INTO hold_sums (listing_id, ends_at, starts_at, claimant_org_id, claimant_person_id, quantity)
SELECT listing_id, ends_at, starts_at, claimant_org_id, COALESCE(claimant_person_id, ''), SUM(quantity)
FROM claim_holds GROUP BY listing_id, ends_at, starts_at, claimant_org_id, COALESCE(claimant_person_id, '');
CREATE INDEX claim_holds_expiry ON claim_holds (listing_id, expires_at) WHERE expires_at IS NOT NULL;

-- +goose Down
DROP INDEX claim_holds_expiry;
DROP TABLE hold_sums;
