-- +goose Up
-- Who may read each event (API.md §8): the street it happened in, and in a side table the orgs
-- it concerns (a claim's owner and claimant, a listing's org, an agreement's parties). The feed
-- of a coordinator is the range (street_id, seq > n); that of an org the range
-- (org_id, event_seq > n) of event_orgs.
ALTER TABLE events ADD COLUMN street_id TEXT NOT NULL DEFAULT '';
CREATE INDEX events_street ON events (street_id, seq);

CREATE TABLE event_orgs (
    org_id    TEXT NOT NULL,
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    PRIMARY KEY (org_id, event_seq)
);

-- Events written before this migration take their scope from their subjects.
UPDATE events SET street_id = COALESCE(
    CASE
        WHEN type LIKE 'claim.%' THEN (SELECT c.street_id FROM claims c WHERE c.id = events.subject_id)
        WHEN type LIKE 'listing.%' THEN (SELECT l.street_id FROM listings l WHERE l.id = events.subject_id)
        WHEN type LIKE 'agreement.%' THEN (SELECT a.street_id FROM agreements a WHERE a.id = events.subject_id)
    END, '');

INSERT INTO event_orgs (org_id, event_seq)
SELECT c.owner_org_id, e.seq FROM events e JOIN claims c ON c.id = e.subject_id WHERE e.type LIKE 'claim.%'
UNION
SELECT c.claimant_org_id, e.seq FROM events e JOIN claims c ON c.id = e.subject_id WHERE e.type LIKE 'claim.%'
UNION
SELECT l.org_id, e.seq FROM events e JOIN listings l ON l.id = e.subject_id WHERE e.type LIKE 'listing.%'
UNION
SELECT a.party_a_org_id, e.seq FROM events e JOIN agreements a ON a.id = e.subject_id WHERE e.type LIKE 'agreement.%'
UNION
SELECT a.party_b_org_id, e.seq FROM events e JOIN agreements a ON a.id = e.subject_id WHERE e.type LIKE 'agreement.%';

-- +goose Down
DROP TABLE event_orgs;
DROP INDEX events_street;
ALTER TABLE events DROP COLUMN street_id;
