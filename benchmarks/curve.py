"""The cost curve: our ingest of the allocations workbook into an empty store at 10,000, 100,000,
500,000 and 1,000,000 rows (--quick: 10,000 to 100,000), its wall time and peak memory at each
size, and the exponent k of each fitted by least squares on the logarithms (cost ~ rows^k). It
holds when k <= 1.1 for both: twice the rows never cost much more than twice the time or memory.

Wall time is the command line's, end to end (interpreter start included: a fixed cost that pulls
k down at the small end), so the note also gives the slope between the two largest sizes, where
the fixed cost no longer hides a stage that grows faster than the rows, and k fitted on the CPU
seconds (user + system, GNU time -v), which other work on the machine disturbs far less than wall
time. Peak memory is the peak RSS of the ingest process (GNU time -v). Each size is the median
of its runs: the ingest target's when it ran (100,000 and 500,000 rows), else runs of its own
(three; two at 1,000,000 rows).
"""

from __future__ import annotations

import math

from benchmarks.common import OURS, Config, Proc, Result, Row, fmt_mb, fmt_s, log, median, workbook
from benchmarks.ingest import ours_once

LIMIT = 1.1


def sizes(cfg: Config) -> list[int]:
    return [10_000, 20_000, 50_000, 100_000] if cfg.quick else [10_000, 100_000, 500_000, 1_000_000]


def fit(xs: list[float], ys: list[float]) -> float:
    """The slope k of log y = k log x + c, least squares."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def run(cfg: Config) -> Result:
    res = Result("curve")
    ns = sizes(cfg)
    points: dict[int, tuple[float, int, float]] = {}
    for n in ns:
        have: list[Proc] = list(OURS.get(("plain", n), []))
        path = workbook(n)
        while len(have) < (2 if cfg.quick or n >= 1_000_000 else 3):
            have.append(ours_once(path, n))
            log(f"  {n:,} rows: {have[-1].seconds:.2f} s, peak RSS {fmt_mb(have[-1].maxrss_kb)}")
        secs = median([p.seconds for p in have])
        rss = int(median([p.maxrss_kb for p in have]))
        points[n] = (secs, rss, median([p.cpu for p in have]))
        log(f"  {n:,} rows: {fmt_s(secs)}, {fmt_mb(rss)} (median of {len(have)})")
    xs = [float(n) for n in ns]
    k_time = fit(xs, [points[n][0] for n in ns])
    k_mem = fit(xs, [float(points[n][1]) for n in ns])
    k_cpu = fit(xs, [points[n][2] for n in ns]) if all(points[n][2] > 0 for n in ns) else float("nan")
    a, b = ns[-2], ns[-1]
    top_time = math.log(points[b][0] / points[a][0]) / math.log(b / a)
    top_mem = math.log(points[b][1] / points[a][1]) / math.log(b / a)
    curve_t = ", ".join(f"{n // 1000:,}k {points[n][0]:.1f} s" for n in ns)
    curve_m = ", ".join(f"{n // 1000:,}k {points[n][1] / 1024:.0f} MB" for n in ns)
    res.rows += [
        Row("cost curve: time ~ rows^k", f"k = {k_time:.2f}", curve_t, None, f"k <= {LIMIT:g}",
            k_time <= LIMIT, f"slope {a // 1000:,}k-{b // 1000:,}k: {top_time:.2f}; k on CPU seconds {k_cpu:.2f}"),
        Row("cost curve: peak memory ~ rows^k", f"k = {k_mem:.2f}", curve_m, None, f"k <= {LIMIT:g}",
            k_mem <= LIMIT, f"slope {a // 1000:,}k-{b // 1000:,}k: {top_mem:.2f}"),
    ]  # fmt: skip
    return res
