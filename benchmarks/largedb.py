"""A large, realistic Overblik store built directly with DuckDB SQL (no loader): for the page target.

A DuckLake store like any other (store.connect creates it and its schema), filled by INSERT ...
SELECT statements in one transaction. Cached in benchmarks/.cache/ under a name that holds the
code version (this file and the store's schema), so a change of either builds it again.

1,000,000 allocations, 100,000 memberships (70,000 people in 300 networks), 20,000 meetings,
2,000 EU projects, 30 pools over 2015-2026, 400 organisations with aliases, and one batch (plus
its file) per kind so the 'Kilde' popovers have something to join.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchmarks.common import CACHE, SCHEMA_FILES, code_version, fresh, log, move_store
from benchmarks.generate import REGIONS

VERSION = 3  # bump when the contents change, so a cached store is rebuilt (so does any edit of this file)


def _list(xs: list[str]) -> str:
    return "[" + ", ".join("'" + x.replace("'", "''") + "'" for x in xs) + "]"


def _pick(xs: list[str], expr: str) -> str:
    """SQL picking xs[expr mod len] (DuckDB lists are 1-based)."""
    return f"({_list(xs)})[CAST(({expr}) % {len(xs)} AS BIGINT) + 1]"


def _h(expr: str, salt: int) -> str:
    """A deterministic pseudo-random non-negative integer from expr."""
    return f"CAST(hash(({expr}) * 7919 + {salt}) % 1000000007 AS BIGINT)"


THEMES = ["Kunstig intelligens", "Telemedicin", "Hurtig diagnostik", "Digitale services", "Robotteknologi",
          "Patientflow", "Sundhedsdata", "Grøn omstilling", "Hjemmebehandling", "Rehabilitering"]  # fmt: skip
TITLES = ["Overlæge", "Sygeplejerske", "Chefkonsulent", "Specialkonsulent", "Professor", "Ph.d.-studerende",
          "Afdelingsleder", "Projektleder", "Fysioterapeut", "Direktør", "Innovationskonsulent", "Jurist"]  # fmt: skip
SECTORS = ["hospital", "regional_administration", "university", "company", "public_agency", "other"]
KINDS = ["network_meeting"] * 6 + ["webinar", "workshop", "conference", "committee_meeting"]
FORMATS = ["physical", "physical", "online", "hybrid"]
PROGRAMMES = ["Horizon Europe", "EU4Health", "Interreg", "Digital Europe", "Erasmus+", "LIFE"]
ACTIONS = [
    "Research and Innovation Action",
    "Joint Action",
    "Coordination and Support Action",
    "Innovation Action",
]
COUNTRIES = ["Danmark", "Sverige", "Norge", "Tyskland", "Nederlandene", "Spanien", "Italien", "Finland"]
STATUSES = ["granted", "paid", "paid", "applied", "rejected"]
MODELS = ["one_off", "yearly", "yearly", "staircase"]
POOL_NAMES = ["Pulje til digital innovation", "AI-puljen", "Innovationspuljen", "Sundhedsinnovationspuljen",
              "Pulje til telemedicin", "Forskningspuljen"]  # fmt: skip

N_ALLOCATIONS = 1_000_000
N_MEMBERSHIPS = 100_000
N_PEOPLE = 70_000
N_MEETINGS = 20_000
N_EU = 2_000
N_NETWORKS = 300
N_ORGS = 400
N_POOLS = 30
N_PROJECT_MEMBERS = 20_000  # two people named on each of 10,000 allocated projects
YEARS = (2015, 2026)

BATCHES = [  # batch_id, file, sheet, kind
    (1, "netvaerk.xlsx", "Netværk", "networks"),
    (2, "organisationer.xlsx", "Organisationer", "org_aliases"),
    (3, "deltagere.xlsx", "Deltagere", "participants"),
    (4, "moeder.xlsx", "Møder", "meetings"),
    (5, "eu_projekter.xlsx", "EU-projekter", "eu_projects"),
    (6, "puljer.xlsx", "Puljer", "pools"),
    (7, "bevillinger.xlsx", "Bevillinger", "allocations"),
    (8, "projektdeltagere.xlsx", "Projektdeltagere", "project_members"),
]


def path() -> Path:
    return CACHE / f"large_v{VERSION}_{code_version(Path(__file__), *SCHEMA_FILES)}.sqlite"


def build(target: Path | None = None) -> Path:
    """Build (once) and return the large store's catalog path (its data folder is beside it)."""
    import store

    target = target or path()
    if target.exists():
        return target
    for old in CACHE.glob("large_v*.sqlite"):  # earlier versions: never read again
        fresh(old)
    tmp = fresh(target.with_name("building_" + target.name))
    log(f"building large store {target.name}")
    con = store.connect(tmp)
    try:
        fill(con)
    finally:
        con.close()
    return move_store(tmp, target)


def fill(con, n_allocations: int = N_ALLOCATIONS) -> None:
    """Fill a new store (con from store.connect) in one transaction."""
    x = con.execute
    x("BEGIN TRANSACTION")
    for bid, file_name, sheet, kind in BATCHES:
        sha = f"{bid:064x}"
        x(
            "INSERT INTO files (sha256, file_name, size_bytes, content) VALUES (?, ?, ?, ?)",
            [sha, file_name, 4, b"demo"],
        )
        x(
            "INSERT INTO batches (batch_id, file_name, sheet, sha256, rows_hash, kind, uploaded_by, uploaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'bench', TIMESTAMP '2026-01-15 10:00:00' + INTERVAL (?) MINUTE)",
            [bid, file_name, sheet, sha, sha, kind, bid],
        )
    log("  networks, organisations, aliases")
    x(f"""INSERT INTO networks (network, region, theme, kind, leader, facilitator, started, ended,
                              cadence_months, note, batch_id, src_row)
          SELECT 'Innovationsnetværk ' || lpad(i::VARCHAR, 3, '0') || ' om ' || {_pick(THEMES, "i")},
                 {_pick(REGIONS, "i")}, {_pick(THEMES, "i")},
                 {_pick(["network", "network", "committee", "project"], "i // 5")},
                 'Leder ' || i, 'Enhed for Sundhedsinnovation',
                 DATE '2015-01-01' + CAST({_h("i", 1)} % 1500 AS INTEGER),
                 CASE WHEN i % 17 = 0 THEN DATE '2025-06-30' END,
                 CAST({_pick(["2", "2", "3", "1"], "i")} AS DECIMAL(4,1)), NULL, 1, i + 4
          FROM range({N_NETWORKS}) t(i)""")
    x(f"""INSERT INTO organisations (canonical, sector, batch_id, src_row)
          SELECT 'Organisation ' || lpad(i::VARCHAR, 4, '0'), {_pick(SECTORS, "i")}, 2, i + 4
          FROM range({N_ORGS}) t(i)""")
    x(f"""INSERT INTO org_aliases (alias, canonical, batch_id, src_row)
          SELECT 'Organisation ' || lpad(i::VARCHAR, 4, '0'), 'Organisation ' || lpad(i::VARCHAR, 4, '0'), 2, 2 * i + 4
          FROM range({N_ORGS}) t(i)
          UNION ALL
          SELECT 'Org. ' || i, 'Organisation ' || lpad(i::VARCHAR, 4, '0'), 2, 2 * i + 5
          FROM range({N_ORGS}) t(i)""")
    log("  memberships")
    # person p = i mod N_PEOPLE; a person's second network is offset, so (person, network) is unique.
    x(f"""INSERT INTO memberships (person, network, title, organisation, region, is_external, joined, left_on,
                                 note, batch_id, src_row)
          WITH m AS (SELECT i, i % {N_PEOPLE} AS p,
                            (i + (i // {N_PEOPLE}) * 137) % {N_NETWORKS} AS net FROM range({N_MEMBERSHIPS}) t(i))
          SELECT 'Person ' || lpad(p::VARCHAR, 6, '0'),
                 n.network,
                 {_pick(TITLES, _h("p", 2))},
                 -- members of a network come from ~30 organisations, written canonically or as an alias
                 CASE WHEN i % 4 = 0 THEN 'Org. ' || ((net * 13 + {_h("i", 3)} % 30) % {N_ORGS})
                      ELSE 'Organisation ' || lpad(((net * 13 + {_h("i", 3)} % 30) % {N_ORGS})::VARCHAR, 4, '0') END,
                 CASE WHEN i % 2 = 0 THEN n.region END,
                 {_h("i", 4)} % 5 = 0,
                 NULL, NULL, NULL, 3, i + 4
          FROM m JOIN (SELECT network, region, row_number() OVER (ORDER BY network) - 1 AS k FROM networks) n
            ON n.k = m.net""")
    log("  meetings")
    # ~67 meetings per network, about every two months from 2015 to 2026.
    x(f"""INSERT INTO meetings (network, meeting_date, kind, number, region, host, theme, format, duration_hours,
                              attendees, note, batch_id, src_row)
          WITH m AS (SELECT i, i % {N_NETWORKS} AS net, i // {N_NETWORKS} AS seq FROM range({N_MEETINGS}) t(i))
          SELECT n.network,
                 DATE '2015-01-05' + CAST(seq * 60 + {_h("i", 5)} % 45 AS INTEGER),
                 {_pick(KINDS, _h("i", 6))},
                 seq + 1,
                 CASE WHEN i % 3 = 0 THEN n.region END,
                 'hos ' || 'Organisation ' || lpad(((net * 13 + i % 30) % {N_ORGS})::VARCHAR, 4, '0'),
                 {_pick(THEMES, _h("i", 7))},
                 {_pick(FORMATS, _h("i", 8))},
                 CAST(1.5 + ({_h("i", 9)} % 5) * 0.5 AS DECIMAL(5,2)),
                 CAST(8 + {_h("i", 10)} % 60 AS INTEGER),
                 NULL, 4, i + 4
          FROM m JOIN (SELECT network, region, row_number() OVER (ORDER BY network) - 1 AS k FROM networks) n
            ON n.k = m.net""")
    log("  EU projects")
    x(f"""INSERT INTO eu_projects (project_key, region, acronym, title, programme, action_type, total_budget_dkk,
                                 eu_contribution_dkk, region_share_dkk, currency, fx_rate, start_year, end_year,
                                 lead_partner, lead_country, partners, local_units, note, batch_id, src_row)
          WITH e AS (SELECT i, 2015 + {_h("i", 11)} % 12 AS sy, 1 + {_h("i", 12)} % 5 AS dur,
                            CAST(5 + {_h("i", 13)} % 400 AS DECIMAL(18,2)) * 1000000 AS budget
                     FROM range({N_EU}) t(i))
          SELECT 'EU' || lpad(i::VARCHAR, 4, '0'), {_pick(REGIONS, "i")}, 'EU' || lpad(i::VARCHAR, 4, '0'),
                 'Projekt om ' || lower({_pick(THEMES, "i")}) || ' nr. ' || i,
                 {_pick(PROGRAMMES, _h("i", 14))}, {_pick(ACTIONS, _h("i", 15))},
                 CASE WHEN i % 7 = 0 THEN NULL ELSE budget END, budget * 0.7,
                 CAST(budget * (2 + {_h("i", 16)} % 10) / 100 AS DECIMAL(18,2)),
                 'DKK', 1.0, sy, sy + dur, 'Lead partner ' || i % 97, {_pick(COUNTRIES, "i")},
                 CAST(5 + {_h("i", 17)} % 60 AS INTEGER), NULL, NULL, 5, i + 4
          FROM e""")
    log("  pools")
    pools = POOL_NAMES + [f"Pulje {i:02d}" for i in range(N_POOLS - len(POOL_NAMES))]
    x(f"""INSERT INTO pools (pool, year, region, model, added_dkk, band_min_dkk, band_max_dkk, note, batch_id, src_row)
          SELECT {_pick(pools, "p")}, y, {_pick(REGIONS, "p")}, {_pick(MODELS, "p")},
                 CAST(5 + (p * 3 + y) % 20 AS DECIMAL(18,2)) * 10000000,
                 100000, 3000000, NULL, 6, p * 12 + (y - {YEARS[0]}) + 4
          FROM range({N_POOLS}) a(p), range({YEARS[0]}, {YEARS[1] + 1}) b(y)""")
    log("  allocations")
    x(f"""INSERT INTO allocations (pool, year, project, recipient, amount_dkk, status, decided_on, reference, note,
                                 batch_id, src_row)
          WITH a AS (SELECT i, i % {N_POOLS} AS p, {YEARS[0]} + (i // {N_POOLS}) % 12 AS y FROM range({n_allocations}) t(i))
          SELECT {_pick(pools, "p")}, y,
                 {_pick(THEMES, _h("i", 18))} || ' ' || lpad(i::VARCHAR, 7, '0'),
                 'Organisation ' || lpad(({_h("i", 19)} % {N_ORGS})::VARCHAR, 4, '0'),
                 CAST(50 + {_h("i", 20)} % 2950 AS DECIMAL(18,2)) * 1000,
                 {_pick(STATUSES, _h("i", 21))},
                 make_date(y::BIGINT, 1 + ({_h("i", 22)} % 12)::BIGINT, 1 + ({_h("i", 23)} % 28)::BIGINT),
                 (y % 100)::VARCHAR || '/' || lpad(i::VARCHAR, 7, '0'), NULL, 7, i + 4
          FROM a""")
    log("  project members")
    x(f"""INSERT INTO project_members (project, person, role, organisation, network, region, note, batch_id, src_row)
          SELECT a.project, 'Person ' || lpad(({_h("i", 24)} % {N_PEOPLE})::VARCHAR, 6, '0'),
                 {_pick(["Projektleder", "Projektdeltager", "Forsker", "Klinisk ansvarlig"], "i")},
                 a.recipient, NULL, a.region, NULL, 8, i + 4
          FROM range({N_PROJECT_MEMBERS}) t(i)
          JOIN (SELECT project, recipient, p.region, row_number() OVER (ORDER BY project) - 1 AS k
                FROM allocations a JOIN pools p USING (pool, year) WHERE a.src_row < 10004) a ON a.k = i // 2""")
    # The amounts as given are the kroner (every generated project is in DKK).
    x(
        "UPDATE eu_projects SET total_budget = total_budget_dkk, eu_contribution = eu_contribution_dkk, "
        "region_share = region_share_dkk"
    )
    x("COMMIT")
    # What every writer does after its commit (loaders.commit): the projects page's summary.
    from store import summary

    t0 = time.perf_counter()
    summary.refresh(con)
    log(f"  project summary: {time.perf_counter() - t0:.0f} s")
    for t in (
        "networks",
        "memberships",
        "meetings",
        "eu_projects",
        "pools",
        "allocations",
        "project_members",
    ):
        log(f"    {t}: {x(f'SELECT count(*) FROM {t}').fetchone()[0]:,}")


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
