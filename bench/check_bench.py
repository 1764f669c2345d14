#!/usr/bin/env python3
"""Check benchmark: all rules of the catalogue over the 1m and 10m synthetic counties, with
Qingfeng (Apache DataFusion) and, in the same run, DuckDB executing the same rule files over the
same data already loaded.

    python3 bench/check_bench.py [--sizes 1m,10m] [--work bench/work]

Run bench/import_bench.py first (it makes bench/work/county-*/ and bench/work/bench-*.sqlite).
Prints, per county: Qingfeng's time with registers loaded from the database (first check, which
also writes the Parquet snapshot), from the snapshot (later checks), the time of the rules alone,
peak memory; DuckDB's time for the rule queries alone (data already loaded) and peak memory.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "qingfeng")


def measured(cmd):
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS_KB=%M"] + cmd, capture_output=True, text=True)
    secs = time.perf_counter() - start
    if p.returncode != 0:
        sys.stderr.write(p.stdout + p.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    rss = int(re.search(r"MAXRSS_KB=(\d+)", p.stderr).group(1)) / 1024
    return secs, rss, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    args = ap.parse_args()
    rows = []
    for size in args.sizes.split(","):
        db = os.path.join(args.work, f"bench-{size}.sqlite")
        county = os.path.join(args.work, f"county-{size}")
        snap = db + ".snapshots"
        subprocess.run(["rm", "-rf", snap])
        secs, rss, out = measured([BIN, "check", "--database", db])
        wall = re.search(r"total: .*; ([\d.]+) s", out)
        rows.append((size, "Qingfeng check, registers from SQLite (writes snapshot)", secs, rss))
        print(f"[{size}] qingfeng first check: {secs:.1f} s, peak {rss:.0f} MiB ({wall.group(0) if wall else ''})", flush=True)
        secs, rss, out = measured([BIN, "check", "--database", db])
        rows.append((size, "Qingfeng check, registers from Parquet snapshot", secs, rss))
        print(f"[{size}] qingfeng check from snapshot: {secs:.1f} s, peak {rss:.0f} MiB", flush=True)
        rules = re.search(r"rules ran in ([\d.]+) s", out)
        if rules:
            rows.append((size, "Qingfeng: the 33 rules alone (DataFusion, wall time)", float(rules.group(1)), float("nan")))
            print(f"[{size}] qingfeng rules alone: {rules.group(1)} s", flush=True)
        secs, rss, out = measured([sys.executable, os.path.join(ROOT, "bench", "rules_duckdb.py"), county, "--show", "0", "--concurrency", "4"])
        duck_rules = float(re.search(r"all rules: ([\d.]+) s", out).group(1))
        duck_concurrent = float(re.search(r"all rules, 4 at a time: ([\d.]+) s", out).group(1))
        rows.append((size, "DuckDB: the same 33 rule files alone, one after another (data already loaded)", duck_rules, float("nan")))
        rows.append((size, "DuckDB: the same 33 rule files alone, 4 at a time (data already loaded)", duck_concurrent, float("nan")))
        rows.append((size, "DuckDB: whole process (load CSVs, run the rules both ways)", secs, rss))
        print(f"[{size}] duckdb rules alone: {duck_rules:.1f} s one by one, {duck_concurrent:.1f} s 4 at a time; whole process {secs:.1f} s, peak {rss:.0f} MiB", flush=True)
    print()
    print("| county | what | seconds | peak memory (MiB) |")
    print("|---|---|---:|---:|")
    for size, what, secs, rss in rows:
        print(f"| {size} | {what} | {secs:.1f} | {'' if rss != rss else f'{rss:.0f}'} |")


if __name__ == "__main__":
    main()
