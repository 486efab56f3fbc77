"""The baselines, each run in its own child process so wall time and peak RSS are its own.

    python -m benchmarks.children read FILE        fastexcel read to Arrow only (memory floor)
    python -m benchmarks.children floor FILE DB    fastexcel read + an Arrow insert into a new store (ingest floor)
    python -m benchmarks.children peer FILE DB     pandas.read_excel(openpyxl) + DataFrame.to_sql (peer path)

Each prints one JSON line: {"rows": n, "seconds": in-process seconds}.

The floor writes into the same kind of store an upload does: store.connect(DB) creates a new
DuckLake store (the catalog DB, its Parquet data folder beside it, the schema), and the Arrow table
is inserted into a table of that lake (CREATE TABLE AS, one commit). It then checks, through the
lake's own file list, that the rows really landed in Parquet files in the store's data folder.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HEADER_ROW = 2  # the generated sheets: title row, blank row, then the header


def read_arrow(path: str):
    import fastexcel

    return fastexcel.read_excel(path).load_sheet(0, header_row=HEADER_ROW).to_arrow()


def main(argv: list[str]) -> int:
    mode, path = argv[0], argv[1]
    t0 = time.perf_counter()
    if mode == "read":
        tbl = read_arrow(path)
        rows = tbl.num_rows
    elif mode == "floor":
        import store

        tbl = read_arrow(path)
        con = store.connect(argv[2])  # a new store: catalog, data folder, schema
        # store.connect turns off replacement scans: the Arrow table comes in by name.
        con.register("arrow_tbl", tbl)
        con.execute(f"CREATE TABLE {store.LAKE}.floor AS SELECT * FROM arrow_tbl")
        con.unregister("arrow_tbl")
        seconds = time.perf_counter() - t0
        rows = con.execute(f"SELECT count(*) FROM {store.LAKE}.floor").fetchone()[0]
        data_path = store.location(argv[2]).data_path
        files = [
            r[0]
            for r in con.execute(
                f"SELECT data_file FROM ducklake_list_files('{store.LAKE}', 'floor')"
            ).fetchall()
        ]
        in_files = con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0] if files else 0
        if rows != tbl.num_rows or in_files != rows or not all(f.startswith(data_path) for f in files):
            raise SystemExit(f"the floor did not write its {tbl.num_rows} rows into {data_path}: {files}")
        con.close()
        print(json.dumps({"rows": int(rows), "seconds": seconds, "files": len(files)}))
        return 0
    elif mode == "peer":
        import pandas as pd

        df = pd.read_excel(path, engine="openpyxl", header=HEADER_ROW)
        try:
            import duckdb_engine  # noqa: F401 - the SQLAlchemy dialect
            import sqlalchemy
        except ImportError:  # no duckdb-engine: the same pandas path into SQLite
            import sqlite3

            sink = "sqlite"
            con = sqlite3.connect(argv[2])
            df.to_sql("allocations", con, if_exists="replace", index=False)
            rows = con.execute("SELECT count(*) FROM allocations").fetchone()[0]
            con.close()
        else:
            sink = "duckdb"
            engine = sqlalchemy.create_engine(f"duckdb:///{Path(argv[2]).resolve()}")
            df.to_sql("allocations", engine, if_exists="replace", index=False)
            with engine.connect() as c:
                rows = c.exec_driver_sql("SELECT count(*) FROM allocations").fetchone()[0]
            engine.dispose()
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    out = {"rows": int(rows), "seconds": time.perf_counter() - t0}
    if mode == "peer":
        out["sink"] = sink
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
