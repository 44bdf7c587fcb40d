-- +goose Up
-- People's claims (API.md §10): the claimant person beside the claimant org (the person's
-- community), on the claim and on its holds (max_per_claimant caps each person). A person's claim
-- on a need is made under no agreement, so agreement_id becomes optional.
ALTER TABLE claims ALTER COLUMN agreement_id DROP NOT NULL;
ALTER TABLE claims ADD COLUMN claimant_person_id TEXT REFERENCES people (id);
CREATE INDEX claims_person ON claims (claimant_person_id, id);
ALTER TABLE claim_holds ADD COLUMN claimant_person_id TEXT;

-- +goose Down
ALTER TABLE claim_holds DROP COLUMN claimant_person_id;
DROP INDEX claims_person;
ALTER TABLE claims DROP COLUMN claimant_person_id;
ALTER TABLE claims ALTER COLUMN agreement_id SET NOT NULL;
