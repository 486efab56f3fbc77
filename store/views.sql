-- Public views: the contract analysts, exports and external tools rely on.
-- Exact names and columns are documented in docs/data-dictionary.md. Re-created on every connect.

CREATE OR REPLACE VIEW participants_b AS
SELECT
    m.person,
    m.title,
    m.organisation,
    COALESCE(al.canonical, m.organisation) AS organisation_canonical,
    m.network,
    COALESCE(m.region, n.region)       AS region,
    m.is_external,
    m.batch_id,
    m.src_row
FROM memberships m
LEFT JOIN networks n ON n.network = m.network
-- one canonical name per alias (the first, should two be recorded)
LEFT JOIN (SELECT alias, min(canonical) AS canonical FROM org_aliases GROUP BY alias) al
       ON al.alias = m.organisation;
CREATE OR REPLACE VIEW participants_v AS SELECT * EXCLUDE (src_row) FROM participants_b;

-- Each *_b view is its public view plus batch_id (the batch that last wrote the row) and src_row
-- (its row in that batch's sheet): internal,
-- not part of the contract, it lets the "Kilde" lists name the uploads behind a figure without
-- joining a million rows back to their table. The public view is the *_b view without batch_id.
CREATE OR REPLACE VIEW meetings_b AS
SELECT
    mt.network,
    COALESCE(mt.region, n.region)      AS region,
    mt.meeting_date,
    mt.kind,
    mt.host,
    mt.theme,
    mt.format,
    mt.duration_hours,
    mt.attendees,
    mt.batch_id,
    mt.src_row
FROM meetings mt
LEFT JOIN networks n ON n.network = mt.network;
CREATE OR REPLACE VIEW meetings_v AS SELECT * EXCLUDE (batch_id, src_row) FROM meetings_b;

CREATE OR REPLACE VIEW eu_projects_b AS
SELECT
    acronym, title, programme, action_type, region,
    total_budget_dkk, eu_contribution_dkk, region_share_dkk, currency,
    start_year, end_year, lead_partner, lead_country, partners, batch_id, src_row, project_key
FROM eu_projects;
CREATE OR REPLACE VIEW eu_projects_v AS SELECT * EXCLUDE (batch_id, src_row, project_key) FROM eu_projects_b;

-- Capacity: staircase = every yearly addition so far; yearly and one_off = what was added that year.
CREATE OR REPLACE VIEW pools_b AS
SELECT
    pool, region, year, model, added_dkk,
    CAST(CASE WHEN model = 'staircase'
         THEN sum(added_dkk) OVER (PARTITION BY pool ORDER BY year
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
         ELSE added_dkk END AS DECIMAL(18,2)) AS capacity_dkk,
    batch_id,
    src_row
FROM pools;
CREATE OR REPLACE VIEW pools_v AS SELECT * EXCLUDE (batch_id, src_row) FROM pools_b;

CREATE OR REPLACE VIEW allocations_b AS
SELECT
    a.pool,
    COALESCE(a.region, p.region, pr.region) AS region,  -- the row's, else the pool year's, else the pool's
    a.year, a.project, a.recipient, a.amount_dkk, a.status, a.decided_on, a.batch_id, a.src_row
FROM allocations a
LEFT JOIN pools p ON p.pool = a.pool AND p.year = a.year
LEFT JOIN (SELECT pool, min(region) AS region FROM pools GROUP BY pool) pr ON pr.pool = a.pool;
CREATE OR REPLACE VIEW allocations_v AS SELECT * EXCLUDE (batch_id, src_row) FROM allocations_b;

-- Who works on which project: every link between a project and an organisation the store knows,
-- with the money where the link carries it. Internal (not part of the public contract).
--   pool:    an allocation (its recipient, amount and status)
--   eu:      an EU project's participating local units and its partners (the region's share is
--            the project's, not split over its organisations: see eu_projects)
--   members: an organisation named on a project member list (Projektdeltagere)
-- Organisations are canonical through the alias list, as for the members of the networks.
CREATE OR REPLACE VIEW project_links_b AS
WITH al AS (SELECT alias, min(canonical) AS canonical FROM org_aliases GROUP BY alias),
units AS (
    SELECT e.project_key, e.region, e.programme, COALESCE(e.acronym, e.title) AS project,
           e.start_year, e.end_year, trim(u.unit) AS organisation
    FROM eu_projects e, unnest(string_split(COALESCE(e.local_units, ''), ',')) AS u(unit)
    WHERE trim(u.unit) <> ''
)
SELECT 'pool' AS source_kind, a.pool AS source, a.project,
       COALESCE(al.canonical, a.recipient) AS organisation, a.region, a.year AS first_year,
       a.year AS last_year, a.amount_dkk, a.status
FROM allocations_b a LEFT JOIN al ON al.alias = a.recipient
UNION ALL
SELECT 'eu', u.programme, u.project, COALESCE(al.canonical, u.organisation), u.region, u.start_year,
       u.end_year, NULL, NULL
FROM units u LEFT JOIN al ON al.alias = u.organisation
UNION ALL
SELECT 'eu', e.programme, COALESCE(e.acronym, e.title), COALESCE(al.canonical, p.organisation), e.region,
       e.start_year, e.end_year, NULL, NULL
FROM eu_partners p JOIN eu_projects e ON e.project_key = p.project_key LEFT JOIN al ON al.alias = p.organisation
UNION ALL
-- an EU project whose sheet names neither local units nor partners is a project still: its lead
-- partner, when named, is its organisation
SELECT 'eu', e.programme, COALESCE(e.acronym, e.title), COALESCE(al.canonical, e.lead_partner), e.region,
       e.start_year, e.end_year, NULL, NULL
FROM eu_projects e LEFT JOIN al ON al.alias = e.lead_partner
WHERE e.project_key NOT IN (SELECT project_key FROM units)
  AND e.project_key NOT IN (SELECT project_key FROM eu_partners)
UNION ALL
-- a person named on a project without an organisation still makes the project known
SELECT 'members', NULL, pm.project, COALESCE(al.canonical, pm.organisation), pm.region, NULL, NULL, NULL, NULL
FROM project_members pm LEFT JOIN al ON al.alias = pm.organisation;
