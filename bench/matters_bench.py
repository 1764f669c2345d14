#!/usr/bin/env python3
"""The workspace's queues over 10,000 open matters across a county (issue 14).

    python3 bench/matters_bench.py [--matters 10000] [--rate 25] [--duration 12] [--work bench/work]
                                   [--bin target/release/qingfeng]

Generates a county (`qingfeng generate --seed 7 --villages 200 --persons-per-village 40
--months 6`), imports it into bench/work/matters.sqlite and adds one account per role that works
matters. Then it opens the matters: `--matters` of them, open, spread over the county's villages,
each of a power of the default list (crates/domain/powers/default.toml) with a random number of
its steps done by the posts the list names, dated over the last 60 days (so that many are
overdue), and one objection in ten, a third of them past their ten days. These are written
straight into the database, in the tables and columns the server's own writes fill, because
opening ten thousand matters through the forms would measure the forms. The server is then
asked, each page on its own at a fixed rate (open loop, as bench/pages_bench.py does): the
matters page (the actor's queue "待我办理", the open objections of the jurisdiction and the list)
as the township's bookkeeper, its discipline secretary, a village official, a supervision
committee member and the county's leader; one matter's page; the dashboard; and the village's
portal page with its matters. Prints requests, non-200 answers, p50, p99 and the slowest, in ms.

Needs only Python's standard library and a build of the binary (release by default).
"""
import argparse
import os
import random
import sqlite3
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from pages_bench import Client, PASSWORD, drive, log_in  # noqa: E402
from web_bench import free_port  # noqa: E402

ROLES = ["township_bookkeeper", "township_secretary", "village_official", "village_supervisor", "leader"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def prepare(binary, work, matters, rng):
    county = os.path.join(work, "county-matters")
    if not os.path.exists(os.path.join(county, "persons.csv")):
        print("generating the county …", flush=True)
        run([binary, "generate", "--out", county, "--seed", "7", "--villages", "200",
             "--persons-per-village", "40", "--months", "6"], stdout=subprocess.DEVNULL)
    db = os.path.join(work, f"matters-{matters}.sqlite")
    if os.path.exists(db):
        return db
    partial = db + ".partial"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(partial + suffix):
            os.remove(partial + suffix)
    print("importing …", flush=True)
    run([binary, "import", county, "--database", partial, "--report-dir", work], stdout=subprocess.DEVNULL)
    con = sqlite3.connect(partial)
    villages = [r[0] for r in con.execute("SELECT code FROM divisions WHERE level = 'village' ORDER BY code")]
    county_code = con.execute("SELECT MIN(code) FROM divisions WHERE level = 'county'").fetchone()[0]
    village = villages[0]
    township = con.execute("SELECT parent_code FROM divisions WHERE code = ?", (village,)).fetchone()[0]
    con.close()
    for role in ROLES:
        jurisdiction = {"township_bookkeeper": township, "township_secretary": township,
                        "village_official": village, "village_supervisor": village}.get(role, county_code)
        run([binary, "user", "add", role, "--role", role, "--jurisdiction", jurisdiction, "--password-stdin",
             "--database", partial], input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(ROOT, "crates", "domain", "powers", "default.toml"), "rb") as f:
        powers = tomllib.load(f)["power"]
    print(f"opening {matters:,} matters …", flush=True)
    con = sqlite3.connect(partial)
    today = time.time()
    day = lambda offset: time.strftime("%Y-%m-%d", time.gmtime(today - offset * 86400))  # noqa: E731
    objections = 0
    for i in range(1, matters + 1):
        power = rng.choice(powers)
        steps = power["step"]
        done = rng.randrange(0, len(steps))
        opened = rng.randrange(1, 60)
        v = rng.choice(villages)
        # The day the step due now is due by, as the server writes it: from the day the step
        # before was done (or the opening), in calendar days, or in working days counted as
        # about seven days to five (a week of five working days; the default calendar has no holidays).
        since = opened - done if done else opened
        limit = steps[done].get("days") or steps[done].get("working_days")
        if limit and steps[done].get("working_days"):
            limit = limit * 7 // 5 + 1
        due = day(max(0, since) - limit) if limit else None
        con.execute(
            "INSERT INTO matters (matter_id, power_id, village_code, title, opened_by, opened_on, steps_done, due_on) "
            "VALUES (?, ?, ?, ?, 'bench', ?, ?, ?)",
            (i, power["id"], v, f"{power['title_zh']} {i}", day(opened), done, due))
        for n in range(done):
            con.execute(
                "INSERT INTO matter_steps (matter_id, step_no, post, done_by, done_on, note, documents) "
                "VALUES (?, ?, ?, 'bench', ?, '', ?)",
                (i, n + 1, steps[n]["post"], day(max(0, opened - n - 1)), "\n".join(steps[n].get("documents_zh", []))))
        # (step n is done n + 1 days after the opening: the last one `opened - done` days ago)
        if i % 10 == 0:
            filed = rng.randrange(0, 30)
            con.execute(
                "INSERT INTO matter_objections (matter_id, step_no, content, filed_on, answer_due) "
                "VALUES (?, ?, ?, ?, ?)",
                (i, min(done + 1, len(steps)), "请公开依据", day(filed), day(filed - 10)))
            objections += 1
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(f"  {matters:,} matters, {objections:,} objections", flush=True)
    os.rename(partial, db)
    return db


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--matters", type=int, default=10000)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "qingfeng"))
    ap.add_argument("--rate", type=float, default=25)
    ap.add_argument("--duration", type=float, default=12)
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        raise SystemExit("build first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(7)
    db = prepare(args.bin, args.work, args.matters, rng)
    con = sqlite3.connect(db)
    village = con.execute(
        "SELECT jurisdiction FROM users WHERE username = 'village_official'").fetchone()[0]
    open_matters = con.execute("SELECT COUNT(*) FROM matters WHERE closed_on IS NULL").fetchone()[0]
    in_village = [r[0] for r in con.execute(
        "SELECT matter_id FROM matters WHERE village_code = ?", (village,))]
    township = con.execute("SELECT jurisdiction FROM users WHERE username = 'township_bookkeeper'").fetchone()[0]
    in_township = con.execute(
        "SELECT COUNT(*) FROM matters WHERE substr(village_code, 1, 9) = substr(?, 1, 9)", (township,)).fetchone()[0]
    con.close()
    port = free_port()
    server = subprocess.Popen([args.bin, "serve", "--database", db, "--listen", f"127.0.0.1:{port}",
                               "--lookups-per-minute", "1000000000", "--logins-per-minute", "1000000000"],
                              stdout=subprocess.DEVNULL)
    rows = []
    try:
        for _ in range(100):
            try:
                Client(port).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        sessions = {who: log_in(port, who) for who in ROLES}
        pick = rng.choice
        pages = [(f"workspace: matters (queue, objections, list) as {who}", who, lambda: "/work/matters")
                 for who in ROLES]
        pages += [
            ("workspace: one matter's page", "township_secretary", lambda: f"/work/matters/{pick(in_village)}"),
            ("workspace: dashboard (matters panel)", "township_bookkeeper", lambda: "/work"),
            ("portal: the village's page with its matters", None, lambda: f"/village/{village}"),
            ("portal: one matter's page", None, lambda: f"/village/{village}/matters/{pick(in_village)}"),
        ]
        for name, who, path_fn in pages:
            cookie = sessions[who][0] if who else None
            drive(port, cookie, "GET", path_fn, None, args.rate, 2, False)
            n, bad, p50, p99, worst = drive(port, cookie, "GET", path_fn, None, args.rate, args.duration, False)
            rows.append((name, n, bad, p50, p99, worst))
            print(f"  {name}: n={n} non-200={bad} p50={p50:.1f} p99={p99:.1f} max={worst:.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait()
    print()
    print(f"{open_matters:,} open matters in the county, {in_township:,} in the bookkeeper's township, "
          f"{len(in_village)} in the village; {args.rate} requests/s for {args.duration} s per page; "
          f"binary {os.path.relpath(args.bin, ROOT)}.")
    print()
    print("| page | requests | non-200 | p50 (ms) | p99 (ms) | max (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, bad, p50, p99, worst in rows:
        print(f"| {name} | {n} | {bad} | {p50:.1f} | {p99:.1f} | {worst:.1f} |")
    over = [r for r in rows if r[4] > 50 or r[2]]
    if over:
        print("\nOver 50 ms at p99, or not answered 200:")
        for r in over:
            print(f"  {r[0]}: p99 {r[4]:.1f} ms, non-200 {r[2]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
