-- +goose Up
-- People's claims (API.md §10): the claimant person beside the claimant org (the person's
-- community), on the claim and on its holds (max_per_claimant caps each person). A person's claim
-- on a need is made under no agreement, so agreement_id becomes optional.
--
-- SQLite cannot drop a NOT NULL constraint with ALTER TABLE. Removing one does not change how rows
-- are stored, so it is done the way the SQLite documentation allows for such changes: by
-- editing the table's definition in sqlite_schema (https://www.sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"), instead of rebuilding the table, which would
-- have to name every column and index that earlier migrations gave it. The ALTER TABLE
-- statements after it change the schema cookie, so every connection reloads the definition.
-- claims.claimant_person_id has no REFERENCES clause here (PostgreSQL has one): SQLite cannot
-- drop a column that takes part in a foreign key, and the down migration drops it. People are
-- never deleted, so the reference cannot dangle.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'agreement_id           TEXT NOT NULL REFERENCES agreements (id)',
                          'agreement_id           TEXT REFERENCES agreements (id)')
 WHERE type = 'table' AND name = 'claims';
PRAGMA writable_schema = RESET;
ALTER TABLE claims ADD COLUMN claimant_person_id TEXT;
CREATE INDEX claims_person ON claims (claimant_person_id, id);
ALTER TABLE claim_holds ADD COLUMN claimant_person_id TEXT;

-- +goose Down
ALTER TABLE claim_holds DROP COLUMN claimant_person_id;
DROP INDEX claims_person;
ALTER TABLE claims DROP COLUMN claimant_person_id;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'agreement_id           TEXT REFERENCES agreements (id)',
                          'agreement_id           TEXT NOT NULL REFERENCES agreements (id)')
 WHERE type = 'table' AND name = 'claims';
PRAGMA writable_schema = RESET;
