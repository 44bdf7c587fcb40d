-- +goose Up
CREATE TABLE categories (
    code          TEXT PRIMARY KEY,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    quantity_unit TEXT NOT NULL,
    related       TEXT NOT NULL DEFAULT '[]',
    created_at    DATETIME NOT NULL
);
INSERT INTO categories (code, name_zh, name_en, quantity_unit, related, created_at) VALUES
    ('parking',      '错时停车', 'Off-peak parking',       'space',     '[]',                            CURRENT_TIMESTAMP),
    ('venue',        '场地设施', 'Venues and facilities',  'venue',     '["sports","meeting_room"]',     CURRENT_TIMESTAMP),
    ('sports',       '体育场馆', 'Sports grounds',         'venue',     '["venue"]',                     CURRENT_TIMESTAMP),
    ('meeting_room', '会议室',   'Meeting rooms',          'room',      '["venue"]',                     CURRENT_TIMESTAMP),
    ('patrol',       '治安巡逻', 'Security patrols',       'person',    '["volunteer"]',                 CURRENT_TIMESTAMP),
    ('cleanup',      '环境整治', 'Environmental clean-up', 'person',    '["volunteer"]',                 CURRENT_TIMESTAMP),
    ('volunteer',    '志愿服务', 'Volunteering',           'person',    '["patrol","cleanup","elderly_care"]', CURRENT_TIMESTAMP),
    ('training',     '培训讲座', 'Training and talks',     'session',   '["culture"]',                   CURRENT_TIMESTAMP),
    ('legal',        '法律服务', 'Legal services',         'session',   '[]',                            CURRENT_TIMESTAMP),
    ('medical',      '医疗服务', 'Medical services',       'session',   '["elderly_care"]',              CURRENT_TIMESTAMP),
    ('culture',      '文化活动', 'Cultural activities',    'event',     '["training"]',                  CURRENT_TIMESTAMP),
    ('elderly_care', '养老助老', 'Elderly care',           'person',    '["volunteer","medical"]',       CURRENT_TIMESTAMP);

CREATE TABLE listings (
    id               TEXT PRIMARY KEY,
    side             TEXT NOT NULL CHECK (side IN ('offer', 'need')),
    org_id           TEXT NOT NULL REFERENCES orgs (id),
    street_id        TEXT NOT NULL,
    category         TEXT NOT NULL REFERENCES categories (code),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    lat              REAL NOT NULL,
    lng              REAL NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    radius_km        REAL NOT NULL,
    windows          TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    visibility       TEXT NOT NULL CHECK (visibility IN ('public', 'street')),
    valid_until      DATETIME,
    max_per_claimant INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    span_start       INTEGER NOT NULL,
    span_end         INTEGER NOT NULL,
    version          INTEGER NOT NULL,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX listings_street ON listings (side, street_id, id);
CREATE INDEX listings_category ON listings (side, category, id);
CREATE INDEX listings_org ON listings (org_id, id);
CREATE INDEX listings_geo ON listings (side, lat, lng);

CREATE TABLE agreements (
    id                 TEXT PRIMARY KEY,
    party_a_org_id     TEXT NOT NULL REFERENCES orgs (id),
    party_b_org_id     TEXT NOT NULL REFERENCES orgs (id),
    title              TEXT NOT NULL,
    categories         TEXT NOT NULL,
    starts_on          TEXT NOT NULL,
    ends_on            TEXT NOT NULL,
    terms              TEXT NOT NULL DEFAULT '',
    auto_approve       BOOLEAN NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('pending_signatures', 'active', 'terminated')),
    street_id          TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    terminated_at      DATETIME,
    termination_reason TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL,
    created_at         DATETIME NOT NULL,
    updated_at         DATETIME NOT NULL
);
CREATE INDEX agreements_party_a ON agreements (party_a_org_id, status);
CREATE INDEX agreements_party_b ON agreements (party_b_org_id, status);
CREATE INDEX agreements_street ON agreements (street_id, id);

CREATE TABLE agreement_signatures (
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    user_id      TEXT NOT NULL,
    signed_at    DATETIME NOT NULL,
    PRIMARY KEY (agreement_id, org_id)
);

CREATE TABLE claims (
    id                     TEXT PRIMARY KEY,
    listing_id             TEXT NOT NULL REFERENCES listings (id),
    listing_side           TEXT NOT NULL,
    owner_org_id           TEXT NOT NULL REFERENCES orgs (id),
    claimant_org_id        TEXT NOT NULL REFERENCES orgs (id),
    agreement_id           TEXT NOT NULL REFERENCES agreements (id),
    street_id              TEXT NOT NULL,
    counterpart_listing_id TEXT REFERENCES listings (id),
    quantity               INTEGER NOT NULL CHECK (quantity > 0),
    window_start           DATETIME NOT NULL,
    window_end             DATETIME NOT NULL,
    window_rrule           TEXT NOT NULL DEFAULT '',
    timezone               TEXT NOT NULL,
    note                   TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'expired', 'fulfilled')),
    expires_at             DATETIME NOT NULL,
    owner_confirmed_at     DATETIME,
    claimant_confirmed_at  DATETIME,
    rating                 INTEGER,
    feedback_comment       TEXT NOT NULL DEFAULT '',
    feedback_at            DATETIME,
    version                INTEGER NOT NULL,
    created_at             DATETIME NOT NULL,
    updated_at             DATETIME NOT NULL
);
CREATE INDEX claims_listing ON claims (listing_id, id);
CREATE INDEX claims_street ON claims (street_id, id);
CREATE INDEX claims_owner ON claims (owner_org_id, id);
CREATE INDEX claims_claimant ON claims (claimant_org_id, id);
CREATE INDEX claims_agreement ON claims (agreement_id, status);
CREATE INDEX claims_pending ON claims (status, expires_at);

-- One row per occurrence of a live claim's window: the capacity it holds. starts_at and ends_at
-- are Unix seconds, expires_at (set while the claim is pending) Unix milliseconds, so that both
-- engines compare them as integers.
CREATE TABLE claim_holds (
    claim_id        TEXT NOT NULL REFERENCES claims (id),
    listing_id      TEXT NOT NULL,
    claimant_org_id TEXT NOT NULL,
    starts_at       INTEGER NOT NULL,
    ends_at         INTEGER NOT NULL,
    quantity        INTEGER NOT NULL,
    expires_at      INTEGER
);
CREATE INDEX claim_holds_listing ON claim_holds (listing_id, starts_at);
CREATE INDEX claim_holds_claim ON claim_holds (claim_id);

CREATE TABLE claim_history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    at           DATETIME NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX claim_history_claim ON claim_history (claim_id, seq);

CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    at         DATETIME NOT NULL,
    subject_id TEXT NOT NULL,
    data       TEXT NOT NULL
);

CREATE TABLE idempotency_keys (
    owner        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE events;
DROP TABLE claim_history;
DROP TABLE claim_holds;
DROP TABLE claims;
DROP TABLE agreement_signatures;
DROP TABLE agreements;
DROP TABLE listings;
DROP TABLE categories;
