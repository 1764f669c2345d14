#!/usr/bin/env python3
"""Load benchmark of "My money" (POST /money) on loopback against a county with ~1M payments.

    python3 bench/web_bench.py [--size 1m] [--work bench/work] [--rate 500] [--duration 30] [--oha PATH]

Makes (or reuses) bench/work/county-<size>/ and bench/work/web-<size>.sqlite, serves it with the
release binary (look-up limit raised: the benchmark is one client), and drives it with:

- `oha` at a fixed rate (open loop, `-q RATE`, with its latency correction for coordinated
  omission), a different person each request (`-Z`, one body per line): requests/s and latency
  percentiles at that rate;
- `wrk` (Debian's package) with a Lua script that looks up a different person each time, at
  full speed from 16 connections: the throughput ceiling and its latencies;
- the peer: the same two queries the page runs, straight on the SQLite file from Python's
  sqlite3 module, one person after another (the floor that the web layer adds to).

Install: `apt-get install wrk`; `cargo install oha --locked` (puts it in ~/.cargo/bin).
Prints a Markdown table for docs/benchmarks.md.
"""
import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "qingfeng")
sys.path.insert(0, os.path.join(ROOT, "bench"))
from import_bench import SIZES  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def people(db, n):
    """n beneficiaries with payments, as (id_number, name), from the register."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT DISTINCT p.beneficiary_id_number, s.name FROM payments p "
        "JOIN persons s ON s.id_number = p.beneficiary_id_number LIMIT 200000"
    ).fetchall()
    con.close()
    random.seed(7)
    return random.sample(rows, min(n, len(rows)))


def sqlite_peer(db, sample):
    """The page's two look-ups (roster lines and payments of one person), in Python."""
    con = sqlite3.connect(db)
    times = []
    for id_number, _ in sample:
        t = time.perf_counter()
        con.execute("SELECT * FROM persons WHERE id_number = ?", (id_number,)).fetchall()
        con.execute("SELECT * FROM entitlements WHERE beneficiary_id_number = ?", (id_number,)).fetchall()
        con.execute("SELECT * FROM payments WHERE beneficiary_id_number = ?", (id_number,)).fetchall()
        times.append(time.perf_counter() - t)
    con.close()
    times.sort()
    pct = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    return len(times) / sum(times), pct(0.5), pct(0.99)


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(base, sample, duration, script_dir):
    bodies = [urllib.parse.urlencode({"id_number": i, "name": n}) for i, n in sample]
    lua = os.path.join(script_dir, "money.lua")
    with open(lua, "w") as f:
        f.write("bodies = {\n")
        for b in bodies:
            f.write(f'  "{b}",\n')
        f.write("}\n")
        f.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            "request = function()\n"
            "  return wrk.format(nil, \"/money\", nil, bodies[math.random(#bodies)])\n"
            "end\n"
        )
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "-s", lua, base + "/money"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {m.group(1): ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, lat.get("50"), lat.get("99"), int(non2xx.group(1)) if non2xx else 0


def run_oha(oha, base, sample, rate, duration, script_dir):
    lines = os.path.join(script_dir, "money-bodies.txt")
    with open(lines, "w") as f:
        for i, n in sample:
            f.write(urllib.parse.urlencode({"id_number": i, "name": n}) + "\n")
    out = subprocess.run(
        [oha, "--no-tui", "-z", f"{duration}s", "-q", str(rate), "--latency-correction", "-c", "50",
         "-m", "POST", "-T", "application/x-www-form-urlencoded", "-Z", lines, base + "/money"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(q):
        m = re.search(q + r"(?:\.00)?% in ([\d.]+) (ms|secs|us)", out)
        return float(m.group(1)) * {"ms": 1.0, "secs": 1000.0, "us": 0.001}[m.group(2)]

    p50, p99 = pct("50"), pct("99")
    codes = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    bad = sum(int(n) for c, n in codes if c != "200")
    return rps, p50, p99, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1m")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--oha", help="path of the oha binary (default: on PATH or ~/.cargo/bin)")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    county = os.path.join(args.work, f"county-{args.size}")
    if not os.path.exists(os.path.join(county, "payments.csv")):
        p = SIZES[args.size]
        subprocess.run([BIN, "generate", "--out", county, "--seed", "7", "--villages", str(p["villages"]),
                        "--persons-per-village", str(p["persons_per_village"]), "--months", str(p["months"])],
                       check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(args.work, f"web-{args.size}.sqlite")
    if not os.path.exists(db):
        subprocess.run([BIN, "import", county, "--database", db, "--report-dir", args.work],
                       check=True, stdout=subprocess.DEVNULL)
    payments = sqlite3.connect(db).execute("SELECT COUNT(*) FROM payments").fetchone()[0]
    sample = people(db, 2000)
    print(f"county {args.size}: {payments:,} payments; {len(sample)} people sampled", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([BIN, "serve", "--database", db, "--listen", f"127.0.0.1:{port}",
                               "--lookups-per-minute", "1000000000"], stdout=subprocess.DEVNULL)
    rows = []
    try:
        time.sleep(2)
        # Warm the page cache the way a running server would be.
        run_wrk(base, sample, 5, args.work)
        oha = args.oha or shutil.which("oha") or os.path.expanduser("~/.cargo/bin/oha")
        if os.path.exists(oha):
            rps, p50, p99, bad = run_oha(oha, base, sample, args.rate, args.duration, args.work)
            rows.append((f"oha, fixed rate {args.rate}/s (open loop), a different person each time", rps, p50, p99, bad))
            print(f"oha at {args.rate}/s: {rps:.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, non-200 {bad}", flush=True)
        else:
            print("oha not found: the fixed-rate run is skipped (cargo install oha --locked)", flush=True)
        rps, p50, p99, bad = run_wrk(base, sample, args.duration, args.work)
        rows.append(("wrk, full speed, 16 connections, a different person each time", rps, p50, p99, bad))
        print(f"wrk full speed: {rps:.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms, non-2xx {bad}", flush=True)
    finally:
        server.terminate()
        server.wait()
    rps, p50, p99 = sqlite_peer(db, sample)
    rows.append(("peer: the page's queries in Python sqlite3, one at a time (no HTTP)", rps, p50, p99, 0))
    print(f"sqlite3 peer: {rps:.0f} look-ups/s, p50 {p50:.3f} ms, p99 {p99:.3f} ms", flush=True)
    print()
    print("| load | requests/s | p50 (ms) | p99 (ms) | non-200 |")
    print("|---|---:|---:|---:|---:|")
    for what, rps, p50, p99, bad in rows:
        print(f"| {what} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {bad} |")


if __name__ == "__main__":
    main()
