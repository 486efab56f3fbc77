-- Overblik schema, version 1. Applied by store.connect(); every statement is idempotent.
-- Tables are private to the application; the *_v views are the public contract
-- (documented in docs/data-dictionary.md). Amounts are DKK as DECIMAL(18,2); unknown is NULL.

CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL);

-- Original uploaded files, kept so history can return them and the database can be rebuilt.
CREATE TABLE IF NOT EXISTS files (
    sha256      VARCHAR PRIMARY KEY,
    file_name   VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    content     BLOB NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE TABLE IF NOT EXISTS batches (
    batch_id        INTEGER PRIMARY KEY,
    file_name       VARCHAR NOT NULL,
    sheet           VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    rows_hash       VARCHAR,            -- hash of the parsed rows: a re-saved file is a duplicate
    kind            VARCHAR NOT NULL,   -- participants, meetings, eu_projects, pools, allocations, ...
    action          VARCHAR NOT NULL DEFAULT 'ingest',  -- ingest | undo
    undoes          INTEGER,            -- for action = undo: the batch undone
    uploaded_by     VARCHAR,
    uploaded_at     TIMESTAMP NOT NULL,
    rows_new        INTEGER NOT NULL DEFAULT 0,
    rows_changed    INTEGER NOT NULL DEFAULT 0,
    rows_unchanged  INTEGER NOT NULL DEFAULT 0,
    rows_missing    INTEGER NOT NULL DEFAULT 0,
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    undone_by       INTEGER             -- set when a later undo batch reverted this one
);

-- Rows rejected under --skip-invalid, with their reasons; listable and exportable.
CREATE TABLE IF NOT EXISTS quarantine (
    batch_id  INTEGER NOT NULL,
    sheet     VARCHAR,
    row_no    INTEGER,
    col       VARCHAR,
    field     VARCHAR,
    value     VARCHAR,
    code      VARCHAR NOT NULL,
    message   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS networks (
    network         VARCHAR PRIMARY KEY,
    region          VARCHAR,
    theme           VARCHAR,
    kind            VARCHAR,            -- network, committee, project
    leader          VARCHAR,
    facilitator     VARCHAR,
    started         DATE,
    ended           DATE,
    cadence_months  DECIMAL(4,1),       -- target interval between meetings; NULL = default 2
    note            VARCHAR,
    batch_id        INTEGER,
    src_row         INTEGER
);

CREATE TABLE IF NOT EXISTS organisations (
    canonical   VARCHAR PRIMARY KEY,
    sector      VARCHAR,                -- hospital, regional_administration, university, company, public_agency, other
    batch_id    INTEGER,
    src_row     INTEGER
);

-- Every written organisation name maps to a canonical organisation (several for a cell that
-- names two workplaces).
CREATE TABLE IF NOT EXISTS org_aliases (
    alias       VARCHAR NOT NULL,       -- as written
    canonical   VARCHAR NOT NULL,
    batch_id    INTEGER,
    src_row     INTEGER,
    PRIMARY KEY (alias, canonical)
);

CREATE TABLE IF NOT EXISTS memberships (
    person        VARCHAR NOT NULL,
    network       VARCHAR NOT NULL,
    title         VARCHAR,
    organisation  VARCHAR,
    region        VARCHAR,
    is_external   BOOLEAN,
    joined        DATE,
    left_on       DATE,
    note          VARCHAR,
    batch_id      INTEGER NOT NULL,
    src_row       INTEGER,
    PRIMARY KEY (person, network)
);

CREATE TABLE IF NOT EXISTS meetings (
    network         VARCHAR NOT NULL,
    meeting_date    DATE NOT NULL,
    kind            VARCHAR NOT NULL,   -- network_meeting, webinar, workshop, conference, committee_meeting
    number          INTEGER,
    region          VARCHAR,
    host            VARCHAR,
    theme           VARCHAR,
    format          VARCHAR,            -- physical, online, hybrid
    duration_hours  DECIMAL(5,2),
    attendees       INTEGER,
    note            VARCHAR,
    batch_id        INTEGER NOT NULL,
    src_row         INTEGER,
    PRIMARY KEY (network, meeting_date, kind)
);

CREATE TABLE IF NOT EXISTS eu_projects (
    project_key          VARCHAR NOT NULL,  -- acronym, or title|start|lead when the source has none
    region               VARCHAR NOT NULL,
    acronym              VARCHAR,
    title                VARCHAR,
    programme            VARCHAR,
    action_type          VARCHAR,
    total_budget_dkk     DECIMAL(18,2),
    eu_contribution_dkk  DECIMAL(18,2),
    region_share_dkk     DECIMAL(18,2),
    currency             VARCHAR,           -- the currency the source gave
    fx_rate              DECIMAL(10,4),     -- DKK per unit of currency, as used
    start_year           INTEGER,
    end_year             INTEGER,
    lead_partner         VARCHAR,
    lead_country         VARCHAR,
    partners             INTEGER,
    local_units          VARCHAR,
    note                 VARCHAR,
    batch_id             INTEGER NOT NULL,
    src_row              INTEGER,
    PRIMARY KEY (project_key, region)
);

-- Organisations taking part in an EU project (a CORDIS organization export, a partner list).
CREATE TABLE IF NOT EXISTS eu_partners (
    project_key          VARCHAR NOT NULL,  -- the project id when the source has one, else the acronym
    organisation         VARCHAR NOT NULL,
    acronym              VARCHAR,
    project_id           VARCHAR,
    country              VARCHAR,
    role                 VARCHAR,           -- coordinator, participant, associatedPartner, ...
    activity_type        VARCHAR,           -- CORDIS: HES, PRC, PUB, REC, OTH
    eu_contribution_dkk  DECIMAL(18,2),
    total_cost_dkk       DECIMAL(18,2),
    currency             VARCHAR,
    fx_rate              DECIMAL(10,4),
    note                 VARCHAR,
    batch_id             INTEGER NOT NULL,
    src_row              INTEGER,
    PRIMARY KEY (project_key, organisation)
);

CREATE TABLE IF NOT EXISTS pools (
    pool        VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    region      VARCHAR,
    model       VARCHAR,                -- one_off, yearly, staircase
    added_dkk   DECIMAL(18,2),          -- added that year; NULL = unknown
    band_min_dkk DECIMAL(18,2),         -- the pool's usual grant band
    band_max_dkk DECIMAL(18,2),
    note        VARCHAR,
    batch_id    INTEGER NOT NULL,
    src_row     INTEGER,
    PRIMARY KEY (pool, year)
);

CREATE TABLE IF NOT EXISTS allocations (
    pool        VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    project     VARCHAR NOT NULL,
    recipient   VARCHAR NOT NULL,
    amount_dkk  DECIMAL(18,2),
    status      VARCHAR,                -- applied, granted, rejected, paid
    decided_on  DATE,
    reference   VARCHAR,
    note        VARCHAR,
    batch_id    INTEGER NOT NULL,
    src_row     INTEGER,
    PRIMARY KEY (pool, year, project, recipient)
);
