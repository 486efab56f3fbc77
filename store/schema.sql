-- Overblik schema, version 3 (DuckLake). Applied by store.connect(); every statement is idempotent.
-- Tables are private to the application; the *_v views are the public contract
-- (documented in docs/data-dictionary.md). Amounts are DKK as DECIMAL(18,2); unknown is NULL.
-- DuckLake has no primary keys or sequences: the loaders keep keys unique and number batches.

CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER NOT NULL,
    applied_at   TIMESTAMP NOT NULL,
    schema_hash  VARCHAR              -- what schema.sql, views.sql and the tables were when applied
);

-- One row every write transaction updates: on a PostgreSQL catalog two overlapping commits
-- conflict here, so the second is refused instead of both numbering the same batch.
CREATE TABLE IF NOT EXISTS store_version (version BIGINT NOT NULL);

-- Original uploaded files, kept so history can return them and the database can be rebuilt.
CREATE TABLE IF NOT EXISTS files (
    sha256      VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    size_bytes  BIGINT NOT NULL,
    content     BLOB NOT NULL,
    note        VARCHAR             -- what an erasure did to the file (rewrote it; converted an .xls)
);

CREATE TABLE IF NOT EXISTS batches (
    batch_id        INTEGER NOT NULL,
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
    undone_by       INTEGER,            -- set when a later undo batch reverted this one
    rows_removed    INTEGER NOT NULL DEFAULT 0,  -- rows a whole-list upload took out of its scope
    rows_skipped    INTEGER NOT NULL DEFAULT 0,  -- totals, repeated headers, section rows
    options         VARCHAR,            -- JSON: the kind chosen, --set values, whole-list mode
    sha256_received VARCHAR             -- the file as uploaded, when an erasure rewrote the stored one
);

-- Rows set aside when the valid rows of a sheet were saved without them, with their reasons.
-- A later upload that loads the row (same key) or a corrected version of the sheet (same file
-- and sheet name) resolves them.
CREATE TABLE IF NOT EXISTS quarantine (
    batch_id     INTEGER NOT NULL,
    sheet        VARCHAR,
    row_no       INTEGER,
    col          VARCHAR,
    field        VARCHAR,
    value        VARCHAR,
    code         VARCHAR NOT NULL,
    message      VARCHAR NOT NULL,   -- in Danish, as it was at upload; pages render code + params
    params       VARCHAR,            -- JSON: the message's placeholders
    kind         VARCHAR,
    key_text     VARCHAR,            -- the row's natural key as text, when it could be read
    resolved_by  INTEGER             -- the batch that loaded the row or its corrected sheet
);

-- The data tables (networks, memberships, meetings, eu_projects, pools, allocations, ...) are
-- declared in store/tables.py and created from there.

-- Moments that must stay readable: an annex made for a meeting, an `asof` link in the audit log.
-- `maintain` never expires the snapshot current at a pinned moment while the pin is within the
-- retention (pinned_at younger than the retention).
CREATE TABLE IF NOT EXISTS snapshot_pins (
    moment     TIMESTAMPTZ NOT NULL,
    pinned_at  TIMESTAMPTZ NOT NULL,
    reason     VARCHAR NOT NULL
);

-- Who did what, when, from where: logins, uploads, undos, erasures, downloads of tables with names
-- and of original files. An erasure is recorded, never whom it erased (the detail holds counts).
CREATE TABLE IF NOT EXISTS audit_log (
    "at"       TIMESTAMPTZ NOT NULL,   -- quoted: AT is a keyword of DuckDB (time travel)
    user_name  VARCHAR NOT NULL,
    role       VARCHAR,
    action     VARCHAR NOT NULL,   -- login | upload | undo | redo | erase | download_names | download_original | export | backup | restore | maintain
    page       VARCHAR,            -- the page or 'cli'
    detail     VARCHAR             -- what: a file name, a batch id, a table, counts
);

-- Persons erased: only a keyed hash of the normalised name (the key is in store_settings), and the
-- token that replaced it, so a later upload holding the name is flagged and stored anonymised.
CREATE TABLE IF NOT EXISTS erased_names (
    name_hash  VARCHAR NOT NULL,
    token      VARCHAR NOT NULL,
    erased_at  TIMESTAMPTZ NOT NULL
);

-- Columns added after version 3 was first released: a store made before gets them here.
ALTER TABLE files ADD COLUMN IF NOT EXISTS note VARCHAR;
ALTER TABLE batches ADD COLUMN IF NOT EXISTS sha256_received VARCHAR;

-- Installation settings kept with the data (the erasure key: random, made when the store is).
CREATE TABLE IF NOT EXISTS store_settings (
    key    VARCHAR NOT NULL,
    value  VARCHAR NOT NULL
);

-- Every committee annex made (dashboard/annex): its filters, when, the headline figures it showed,
-- the newest batch it saw and the file itself, so the next annex for the same filters can say what
-- changed since ("Siden sidste bilag") and the overview can list what was handed out.
CREATE TABLE IF NOT EXISTS annexes (
    annex_id     INTEGER NOT NULL,
    made_at      TIMESTAMPTZ NOT NULL,
    made_by      VARCHAR,
    role         VARCHAR NOT NULL,
    lang         VARCHAR NOT NULL,
    filters_key  VARCHAR NOT NULL,   -- JSON of the filters, sorted: the same view has the same key
    filters_text VARCHAR NOT NULL,   -- the filters in words, as the annex wrote them
    last_batch   INTEGER NOT NULL,   -- the newest batch the annex's figures include (0: none)
    figures      VARCHAR NOT NULL,   -- JSON: the headline figures shown
    file_name    VARCHAR NOT NULL,
    content      BLOB NOT NULL
);

-- The projects page's register, one row per project over every link (store/summary.py): derived,
-- brought up to date by each writer after its commit, used only for the data version it names.
CREATE TABLE IF NOT EXISTS project_summary (
    project        VARCHAR,
    granted_dkk    DECIMAL(38,2),
    paid_dkk       DECIMAL(38,2),
    amount_dkk     DECIMAL(38,2),
    is_eu          BOOLEAN,
    organisations  BIGINT,
    kinds          VARCHAR,
    sources        VARCHAR,
    orgs           VARCHAR[]
);
-- The same per project and region of its links, the words as lists (merged over the regions chosen).
CREATE TABLE IF NOT EXISTS project_region_summary (
    project        VARCHAR,
    region         VARCHAR,
    granted_dkk    DECIMAL(38,2),
    paid_dkk       DECIMAL(38,2),
    amount_dkk     DECIMAL(38,2),
    is_eu          BOOLEAN,
    kinds          VARCHAR[],
    sources        VARCHAR[],
    orgs           VARCHAR[]
);
CREATE TABLE IF NOT EXISTS project_summary_state (data_version BIGINT NOT NULL);
