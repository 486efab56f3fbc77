"""python -m benchmarks [--quick] [--only ingest,pages] [--profile]: measure the performance targets.

Every target is a ratio against a baseline measured in the same run, so the numbers hold on any
machine. Prints one table and, last, `N/M targets hold`. Exits 0 whether or not targets hold (it
is a report); non-zero only when the benchmark itself breaks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback

from benchmarks.common import CACHE, Config, Result, log, prepare_workbooks

TARGETS = [
    "ingest",
    "curve",
    "reupload",
    "memory",
    "upload",
    "start",
    "pages",
    "pagesweb",
    "hostile",
    "concurrent",
    "pagespg",
    "annex",
]


def _table(results: list[Result]) -> str:
    head = ("target", "measured", "floor/baseline", "ratio", "limit", "result")
    lines: list[tuple[str, ...]] = []
    for res in results:
        if res.error:
            lines.append((res.name, "-", "-", "-", "-", f"ERROR: {res.error}"))
            continue
        for r in res.rows:
            ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x"
            verdict = "-" if r.holds is None else ("pass" if r.holds else "FAIL")
            lines.append(
                (
                    r.target,
                    r.measured,
                    r.baseline,
                    ratio,
                    r.limit,
                    verdict + (f" ({r.note})" if r.note else ""),
                )
            )
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]

    def fmt(cols: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()

    out = [fmt(head), "  ".join("-" * w for w in widths)]
    out.extend(fmt(x) for x in lines)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (20k/50k rows), fewer turns")
    ap.add_argument("--only", help=f"comma-separated subset of: {','.join(TARGETS)}")
    ap.add_argument("--profile", action="store_true", help="also profile the small ingest (pyinstrument)")
    args = ap.parse_args(argv)
    only = [t.strip() for t in args.only.split(",")] if args.only else TARGETS
    unknown = [t for t in only if t not in TARGETS]
    if unknown:
        ap.error(f"unknown target(s): {', '.join(unknown)}")
    cfg = Config(quick=args.quick)
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    specs: list[tuple[str, int]] = []
    if "ingest" in only:
        specs += [("plain", cfg.small), ("plain", cfg.large), ("unkind", cfg.large)]
    if "curve" in only:
        from benchmarks.curve import sizes

        specs += [("plain", n) for n in sizes(cfg)]
    if "upload" in only:
        specs += [("plain", cfg.small)]
    if "reupload" in only:
        specs += [("plain", cfg.large), ("changed", cfg.large)]
    if "memory" in only:
        specs += [("plain", cfg.large)]
    if args.profile:
        specs += [("plain", cfg.small)]
    log("preparing workbooks (generated once into benchmarks/.cache/)")
    prepare_workbooks(sorted(set(specs)))
    results: list[Result] = []
    for name in only:
        log(f"=== {name} ===")
        t = time.perf_counter()
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
            res = mod.run(cfg)
        except Exception as e:  # one broken target is reported, the others still run
            traceback.print_exc(file=sys.stderr)
            res = Result(name, error=f"{type(e).__name__}: {e}".splitlines()[0][:200])
        log(f"=== {name} done in {time.perf_counter() - t:.0f} s ===")
        results.append(res)
    profile_text = ""
    if args.profile:
        from benchmarks import profile

        try:
            profile_text = profile.run(cfg)
        except Exception as e:
            traceback.print_exc(file=sys.stderr)
            profile_text = f"profile failed: {type(e).__name__}: {e}"
    wall = time.perf_counter() - t0
    if profile_text:
        print(profile_text + "\n")
    print(_table(results))
    print(
        f"(sizes: {cfg.small:,}/{cfg.large:,} rows{', --quick' if cfg.quick else ''}; wall time {wall:.0f} s)"
    )
    targets = [r for r in results if not r.reported]
    held = sum(r.holds for r in targets)
    print(f"{held}/{len(targets)} targets hold")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
