"""Benchmark the in-process nearest lookup (limit 5, exact geodesic
distances) at 1,000, 10,000 and 100,000 synthetic refuges spread over
metropolitan France, and the index build time.

    .venv/bin/python bench/nearest.py [--lookups N] [--runs R]

Prints, per size, the median over R runs of: the median and 99th-percentile
time per lookup, and the build time. Targets: median <= 0.3 ms, p99 <= 1 ms
at 100,000; build < 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from angela.core.refuges import Directory, Refuge

# Metropolitan France's bounding box, points kept inside a rough hexagon.
LAT_RANGE, LON_RANGE = (42.3, 51.1), (-4.8, 8.2)


def synthetic_refuges(count: int, rng: np.random.Generator) -> list[Refuge]:
    lats = rng.uniform(*LAT_RANGE, count)
    lons = rng.uniform(*LON_RANGE, count)
    return [
        Refuge(
            i + 1,
            f"Refuge {i}",
            "shop",
            "1 rue",
            "77000",
            "77288",
            float(la),
            float(lo),
            None,
            None,
        )
        for i, (la, lo) in enumerate(zip(lats, lons, strict=True))
    ]


def one_run(count: int, lookups: int, seed: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    refuges = synthetic_refuges(count, rng)
    start = time.perf_counter()
    directory = Directory(refuges)
    build = time.perf_counter() - start
    origins = list(
        zip(rng.uniform(*LAT_RANGE, lookups), rng.uniform(*LON_RANGE, lookups), strict=True)
    )
    for lat, lon in origins[:100]:  # warm up
        directory.nearest(lat, lon, 5)
    times = []
    for lat, lon in origins:
        start = time.perf_counter()
        found = directory.nearest(float(lat), float(lon), 5)
        times.append(time.perf_counter() - start)
        if len(found) != 5:
            raise SystemExit(f"expected 5 refuges, got {len(found)}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)], build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"nearest lookup, limit 5, {args.lookups} lookups per run, median of {args.runs} runs")
    print(f"{'refuges':>8}  {'median ms':>9}  {'p99 ms':>7}  {'build s':>7}")
    for count in (1_000, 10_000, 100_000):
        runs = [one_run(count, args.lookups, seed) for seed in range(args.runs)]
        median = statistics.median(r[0] for r in runs) * 1000
        p99 = statistics.median(r[1] for r in runs) * 1000
        build = statistics.median(r[2] for r in runs)
        print(f"{count:>8}  {median:>9.3f}  {p99:>7.3f}  {build:>7.3f}")


if __name__ == "__main__":
    main()
