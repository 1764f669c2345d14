#!/usr/bin/env python3
"""Import benchmark: generate synthetic counties, import them into SQLite and PostgreSQL with full
validation, and load the same CSV files into DuckDB as the reference, all in one run.

Prints rows/s and peak memory (max RSS) for each. Figures, not assertions.

    python3 bench/import_bench.py [--sizes 1m,10m] [--work bench/work] [--postgres URL]

Needs: a release build (`cargo build --release`), `pip install duckdb`, PostgreSQL for the
PostgreSQL rows (skipped with a note if unreachable).
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "qingfeng")

# Generator parameters per size, chosen so that payments.csv has about the named number of rows
# (the generator's module docs give the formula; the exact count is printed).
SIZES = {
    "1m": dict(villages=100, persons_per_village=1000, months=33),
    "10m": dict(villages=400, persons_per_village=2000, months=40),
}


def run_measured(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS in MiB of the process tree's largest child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS_KB=%M"] + cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    m = re.search(r"MAXRSS_KB=(\d+)", proc.stderr)
    rss_mib = int(m.group(1)) / 1024 if m else float("nan")
    del before
    return secs, rss_mib, proc.stdout


def count_rows(folder):
    total = 0
    per = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".csv") or name in ("truth.csv", "decoys.csv") or name.startswith("import-report"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            n = sum(1 for _ in f) - 1
        per[name[:-4]] = n
        total += n
    return total, per


DUCKDB_SCRIPT = r"""
import duckdb, os, sys, time
folder = sys.argv[1]
con = duckdb.connect(sys.argv[2])
con.execute("PRAGMA threads=2")
total = 0
for name in sorted(os.listdir(folder)):
    if not name.endswith(".csv") or name in ("truth.csv", "decoys.csv") or name.startswith("import-report"):
        continue
    table = name[:-4]
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{os.path.join(folder, name)}', header=true, all_varchar=false)")
    total += con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
print("ROWS", total)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--postgres", default=os.environ.get("QINGFENG_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    args = ap.parse_args()
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    results = []
    for size in args.sizes.split(","):
        p = SIZES[size]
        folder = os.path.join(args.work, f"county-{size}")
        if not os.path.exists(os.path.join(folder, "truth.csv")):
            shutil.rmtree(folder, ignore_errors=True)
            secs, rss, _ = run_measured([BIN, "generate", "--out", folder, "--seed", "7",
                                          "--villages", str(p["villages"]),
                                          "--persons-per-village", str(p["persons_per_village"]),
                                          "--months", str(p["months"])])
            print(f"[{size}] generated in {secs:.1f} s (peak {rss:.0f} MiB)", flush=True)
        total, per = count_rows(folder)
        mib = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 2**20
        print(f"[{size}] {per.get('payments', 0):,} payment rows, {total:,} rows in all, {mib:.0f} MiB of CSV", flush=True)

        db = os.path.join(args.work, f"bench-{size}.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        secs, rss, _ = run_measured([BIN, "import", folder, "--database", db, "--report-dir", args.work])
        results.append((size, "Qingfeng → SQLite (full validation)", total, secs, rss))
        print(f"[{size}] sqlite: {secs:.1f} s, {total / secs:,.0f} rows/s, peak {rss:.0f} MiB", flush=True)

        pg_ok = subprocess.run(["pg_isready", "-d", args.postgres + "/postgres"], capture_output=True).returncode == 0
        if pg_ok:
            name = f"qf_bench_{size}"
            subprocess.run(["psql", args.postgres + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
            subprocess.run(["psql", args.postgres + "/postgres", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
            secs, rss, _ = run_measured([BIN, "import", folder, "--database", f"{args.postgres}/{name}", "--report-dir", args.work])
            results.append((size, "Qingfeng → PostgreSQL (full validation)", total, secs, rss))
            print(f"[{size}] postgres: {secs:.1f} s, {total / secs:,.0f} rows/s, peak {rss:.0f} MiB", flush=True)
            subprocess.run(["psql", args.postgres + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], capture_output=True)
        else:
            print(f"[{size}] postgres: not reachable at {args.postgres}, not measured", flush=True)

        duck = os.path.join(args.work, f"bench-{size}.duckdb")
        if os.path.exists(duck):
            os.remove(duck)
        script = os.path.join(args.work, "duck_load.py")
        with open(script, "w") as f:
            f.write(DUCKDB_SCRIPT)
        secs, rss, _ = run_measured([sys.executable, script, folder, duck])
        results.append((size, "DuckDB read_csv → table (reference, no validation)", total, secs, rss))
        print(f"[{size}] duckdb: {secs:.1f} s, {total / secs:,.0f} rows/s, peak {rss:.0f} MiB", flush=True)

    print()
    print("| county | loader | rows | seconds | rows/s | peak memory (MiB) |")
    print("|---|---|---:|---:|---:|---:|")
    for size, loader, rows, secs, rss in results:
        print(f"| {size} | {loader} | {rows:,} | {secs:.1f} | {rows / secs:,.0f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
