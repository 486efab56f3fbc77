"""The baselines, each run in its own child process so wall time and peak RSS are its own.

    python -m benchmarks.children read FILE        fastexcel read to Arrow only (memory floor)
    python -m benchmarks.children floor FILE DB    fastexcel read + an Arrow insert into a new store (ingest floor)
    python -m benchmarks.children analyst FILE DB  pandas.read_excel(calamine, dtype=str) + CREATE TABLE AS
                                                   into a DuckDB file (the analyst's notebook path)
    python -m benchmarks.children stages FILE DB   our ingest (loaders.ingest.ingest_file, as the command
                                                   line calls it) with the time of each stage it reports

Each prints one JSON line: {"rows": n, "seconds": in-process seconds, ...}; floor and analyst say
how the seconds split between reading the workbook ("read") and writing it ("write").

Every sheet of the workbook is read (the generated workbooks put the header in row 3 on every
sheet), one table per sheet, as the loaders read every sheet of a file.

The analyst is what a competent analyst writes in a notebook, with no validation at all:
`pandas.read_excel(engine="calamine", header=2, dtype=str)` (without dtype=str DuckDB refuses the
mixed columns: amounts as numbers and as "1.250.000 kr." text) and `CREATE TABLE t AS SELECT * FROM
df` through DuckDB's replacement scan of the DataFrame. The old peer (pandas with openpyxl, then
DataFrame.to_sql through duckdb-engine) is gone: to_sql inserts row by row, hundreds of times slower
than an insert from a DataFrame, and it had to be measured on 20,000 rows and compared as a rate;
nobody loads half a million rows that way, so beating it said nothing the analyst's path does not
say better.

The floor writes into the same kind of store an upload does: store.connect(DB) creates a new
DuckLake store (the catalog DB, its Parquet data folder beside it, the schema), and the Arrow table
is inserted into a table of that lake (CREATE TABLE AS, one commit). It then checks, through the
lake's own file list, that the rows really landed in Parquet files in the store's data folder.
"""

from __future__ import annotations

import json
import sys
import time

HEADER_ROW = 2  # the generated sheets: title row, blank row, then the header


def read_arrow(path: str):
    import fastexcel

    return fastexcel.read_excel(path).load_sheet(0, header_row=HEADER_ROW).to_arrow()


def read_all_arrow(path: str) -> list:
    """Every sheet of the workbook as an Arrow table."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    return [reader.load_sheet(i, header_row=HEADER_ROW).to_arrow() for i in range(len(reader.sheet_names))]


def main(argv: list[str]) -> int:
    mode, path = argv[0], argv[1]
    t0 = time.perf_counter()
    if mode == "read":
        tbl = read_arrow(path)
        rows = tbl.num_rows
    elif mode == "floor":
        import store

        tables = read_all_arrow(path)
        t_read = time.perf_counter() - t0
        con = store.connect(argv[2])  # a new store: catalog, data folder, schema
        # store.connect turns off replacement scans: the Arrow tables come in by name. One
        # transaction, one commit, as an upload of the file commits.
        con.execute("BEGIN TRANSACTION")
        for i, tbl in enumerate(tables):
            con.register("arrow_tbl", tbl)
            con.execute(f"CREATE TABLE {store.LAKE}.floor_{i} AS SELECT * FROM arrow_tbl")
            con.unregister("arrow_tbl")
        con.execute("COMMIT")
        seconds = time.perf_counter() - t0
        data_path = store.location(argv[2]).data_path
        rows = n_files = 0
        for i, tbl in enumerate(tables):
            got = con.execute(f"SELECT count(*) FROM {store.LAKE}.floor_{i}").fetchone()[0]
            files = [
                r[0]
                for r in con.execute(
                    f"SELECT data_file FROM ducklake_list_files('{store.LAKE}', 'floor_{i}')"
                ).fetchall()
            ]
            in_files = (
                con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0] if files else 0
            )
            if got != tbl.num_rows or in_files != got or not all(f.startswith(data_path) for f in files):
                raise SystemExit(f"the floor did not write its {tbl.num_rows} rows into {data_path}: {files}")
            rows += got
            n_files += len(files)
        con.close()
        out = {
            "rows": int(rows),
            "seconds": seconds,
            "files": n_files,
            "read": t_read,
            "write": seconds - t_read,
        }
        print(json.dumps(out))
        return 0
    elif mode == "analyst":
        import duckdb
        import pandas as pd

        frames = pd.read_excel(path, sheet_name=None, engine="calamine", header=HEADER_ROW, dtype=str)
        t_read = time.perf_counter() - t0
        con = duckdb.connect(argv[2])
        rows = 0
        for i, df in enumerate(frames.values()):  # noqa: B007 - the replacement scan reads df by name
            con.execute(f"CREATE TABLE sheet_{i} AS SELECT * FROM df")
            rows += con.execute(f"SELECT count(*) FROM sheet_{i}").fetchone()[0]
        con.close()
        seconds = time.perf_counter() - t0
        print(json.dumps({"rows": int(rows), "seconds": seconds, "read": t_read, "write": seconds - t_read}))
        return 0
    elif mode == "stages":
        import store
        from loaders.ingest import ingest_file

        # Each stage lasts from its mark to the next one: "read" includes the reader's fork, "check"
        # is validation, "plan" the diff against the store, "save" the commit.
        marks = [("imports", t0), ("connect", time.perf_counter())]

        def report(stage: str, done: int, total: int) -> None:
            if marks[-1][0] != stage:
                marks.append((stage, time.perf_counter()))

        con = store.connect(argv[2])
        marks.append(("hash", time.perf_counter()))  # the file's hash, a known upload?
        plans = ingest_file(con, path, progress=report)
        con.close()
        marks.append(("end", time.perf_counter()))
        stages = {a: round(tb - ta, 3) for (a, ta), (_, tb) in zip(marks, marks[1:], strict=False)}
        status = ",".join(p.status for p in plans)
        print(json.dumps({"rows": 0, "seconds": marks[-1][1] - t0, "stages": stages, "status": status}))
        return 0
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps({"rows": int(rows), "seconds": time.perf_counter() - t0}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
