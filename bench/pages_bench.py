#!/usr/bin/env python3
"""Every page of the portal and the workspace under load, on the 1m and 10m counties (issue 11).

    python3 bench/pages_bench.py [--sizes 1m,10m] [--rate 25] [--duration 12] [--work bench/work]

For each size: generates (or reuses) bench/work/county-<size>/ (the import benchmark's county),
imports it into bench/work/pages-<size>.sqlite, runs the checks (`qingfeng check`, so that the
workspace has the county's clues), adds one account per role needed, then serves it with the
release binary, logs in through the real log-in form (session cookie and CSRF token), files
reports through the portal and turns clues into cases, so that the report and case pages have
something to show. Then each page is driven on its own at a fixed rate (open loop: a request is
sent at its scheduled time whatever the previous ones are doing, and its latency counts from that
time, so a slow server is not hidden by a waiting client), a different village, clue, person,
report or case each request where the page has one. Prints a Markdown table per county:
requests, non-200 answers, p50, p99 and the slowest, in milliseconds.

Needs only Python's standard library and a release build (`cargo build --release`).
"""
import argparse
import http.client
import json
import os
import queue
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "qingfeng")
sys.path.insert(0, os.path.join(ROOT, "bench"))
from import_bench import SIZES  # noqa: E402
from web_bench import free_port  # noqa: E402

PASSWORD = "bench password, long enough"
ACCOUNTS = ["leader", "admin", "investigator", "township_secretary", "auditor"]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def prepare(size, work):
    """The county's database with clues and accounts; returns its path."""
    county = os.path.join(work, f"county-{size}")
    if not os.path.exists(os.path.join(county, "payments.csv")):
        p = SIZES[size]
        print(f"generating the {size} county …", flush=True)
        run([BIN, "generate", "--out", county, "--seed", "7", "--villages", str(p["villages"]),
             "--persons-per-village", str(p["persons_per_village"]), "--months", str(p["months"])],
            stdout=subprocess.DEVNULL)
    db = os.path.join(work, f"pages-{size}.sqlite")
    if os.path.exists(db):
        return db
    partial = db + ".partial"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(partial + suffix):
            os.remove(partial + suffix)
    print(f"importing the {size} county …", flush=True)
    t = time.time()
    run([BIN, "import", county, "--database", partial, "--report-dir", work], stdout=subprocess.DEVNULL)
    print(f"  import {time.time() - t:.1f} s; checking …", flush=True)
    t = time.time()
    run([BIN, "check", "--database", partial], stdout=subprocess.DEVNULL)
    print(f"  check {time.time() - t:.1f} s", flush=True)
    con = sqlite3.connect(partial)
    village = con.execute("SELECT MIN(code) FROM divisions WHERE level = 'village'").fetchone()[0]
    county_code = con.execute("SELECT MIN(code) FROM divisions WHERE level = 'county'").fetchone()[0]
    township = con.execute("SELECT parent_code FROM divisions WHERE code = ?", (village,)).fetchone()[0]
    con.close()
    for role in ACCOUNTS:
        jurisdiction = township if role == "township_secretary" else county_code
        run([BIN, "user", "add", role, "--role", role, "--jurisdiction", jurisdiction, "--password-stdin",
             "--database", partial], input=PASSWORD + "\n", text=True, stdout=subprocess.DEVNULL)
    # Checkpoint the write-ahead log into the file before it is renamed.
    con = sqlite3.connect(partial)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    os.rename(partial, db)
    return db


class Client:
    """One keep-alive connection; cookies are passed in by the caller."""

    def __init__(self, port, source=None):
        self.port = port
        self.source = source
        self.conn = None

    def request(self, method, path, cookie=None, form=None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120,
                    source_address=(self.source, 0) if self.source else None)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, r.getheaders(), data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def cookie_of(headers, name):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v.split(";")[0]
    return None


def csrf_of(body):
    m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', body)
    return m.group(1).decode() if m else None


def log_in(port, username):
    c = Client(port)
    status, headers, body = c.request("GET", "/work/login")
    login = cookie_of(headers, "qf_login")
    status, headers, body = c.request("POST", "/work/login", cookie=login,
                                      form={"username": username, "password": PASSWORD, "csrf": csrf_of(body)})
    assert status == 303, (username, status, body[:300])
    session = cookie_of(headers, "qf_session")
    status, headers, body = c.request("GET", "/work", cookie=session)
    assert status == 200, (username, status)
    return session, csrf_of(body)


def seed(port, db, sessions, work, size):
    """Reports filed through the portal and cases made from clues, once per database."""
    path = os.path.join(work, f"pages-{size}.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    con = sqlite3.connect(db)
    villages = [r[0] for r in con.execute("SELECT code FROM divisions WHERE level = 'village' ORDER BY code")]
    clues = [r[0] for r in con.execute(
        "SELECT fingerprint FROM clues WHERE data_state = 'current' ORDER BY amount_at_risk_fen DESC LIMIT 10")]
    con.close()
    c = Client(port)
    receipts = []
    for i in range(30):
        status, _, body = c.request("POST", "/report", form={
            "category": "subsidy", "village": villages[i % len(villages)],
            "content": f"低保发放有问题 (benchmark report {i})"})
        assert status == 200, (status, body[:300])
        m = re.search(rb'id="receipt">([^<]+)<', body)
        receipts.append(m.group(1).decode())
    cookie, csrf = sessions["investigator"]
    cases = []
    today = time.strftime("%Y-%m-%d")
    for fp in clues[:5]:
        status, headers, body = c.request("POST", "/work/dispose", cookie=cookie, form={
            "csrf": csrf, "kind": "clue", "id": fp, "way": "file_case", "meeting_on": today,
            "participants": "李书记, 王委员, 赵委员", "decision": "经集体研究, 予以立案审查调查",
            "title": f"冒领补贴案 {fp[:8]}"})
        assert status == 303, (status, body[:300])
        cases.append(next(v for k, v in headers if k.lower() == "location"))
    seeded = {"receipts": receipts, "cases": cases, "reports": list(range(1, len(receipts) + 1))}
    with open(path, "w") as f:
        json.dump(seeded, f)
    return seeded


def pages(db, seeded, rng):
    """(name, who, method, path-or-function, form-function) of every page."""
    con = sqlite3.connect(db)
    q = lambda sql: [r for r in con.execute(sql)]  # noqa: E731
    villages = [r[0] for r in q("SELECT code FROM divisions WHERE level = 'village'")]
    months = [r[0] for r in q("SELECT DISTINCT substr(date, 1, 7) FROM vouchers")]
    clues = [r[0] for r in q("SELECT fingerprint FROM clues WHERE data_state = 'current' ORDER BY random() LIMIT 2000")]
    rules = [r[0] for r in q("SELECT DISTINCT rule_id FROM clues")]
    subjects = [r[0] for r in q("SELECT DISTINCT subject_id FROM clues WHERE subject_id IS NOT NULL LIMIT 2000")]
    people = q("SELECT p.beneficiary_id_number, s.name FROM payments p JOIN persons s ON s.id_number = "
               "p.beneficiary_id_number WHERE p.rowid % 97 = 0 LIMIT 2000")
    con.close()
    pick = rng.choice
    # Every subject a page's requests draw from, visited once before the page is measured (see
    # `sweep`).
    every = {
        "village": [(f"/village/{v}", None) for v in villages],
        "month": [(f"/village/{v}?month={months[i % len(months)]}", None) for i, v in enumerate(villages)],
        "money": [("/money", {"id_number": i, "name": n}) for i, n in people],
        "clue": [(f"/work/clues/{c}", None) for c in clues],
        "queue_village": [(f"/work/clues?village={v}", None) for v in villages],
        "queue_rule": [(f"/work/clues?rule={r}", None) for r in rules],
        "subject": [(f"/work/access-log?subject={s}", None) for s in subjects],
        "dispose": [(f"/work/dispose?kind=clue&id={c}", None) for c in clues],
        "report": [(f"/work/reports/{r}", None) for r in seeded["reports"]],
        "case": [(c, None) for c in seeded["cases"]],
    }
    pages = [
        ("portal: home", None, "GET", lambda: "/", None),
        ("portal: village list", None, "GET", lambda: "/village", None),
        ("portal: a village's page (books, roster, contracts, projects, decisions, officials, disclosures)",
         None, "GET", lambda: f"/village/{pick(villages)}", None),
        ("portal: a village's page with one month's vouchers", None, "GET",
         lambda: f"/village/{pick(villages)}?month={pick(months)}", None),
        ("portal: my money, form", None, "GET", lambda: "/money", None),
        ("portal: my money, a person's look-up", None, "POST", lambda: "/money",
         lambda: dict(zip(("id_number", "name"), pick(people)))),
        ("portal: report form", None, "GET", lambda: "/report", None),
        ("portal: follow a report, form", None, "GET", lambda: "/report/follow", None),
        ("portal: follow a report by its receipt code", None, "POST", lambda: "/report/follow",
         lambda: {"code": pick(seeded["receipts"])}),
        ("workspace: log-in form", None, "GET", lambda: "/work/login", None),
        ("workspace: dashboard (county)", "leader", "GET", lambda: "/work", None),
        ("workspace: dashboard (township)", "township_secretary", "GET", lambda: "/work", None),
        ("workspace: clue queue (county, largest first)", "leader", "GET", lambda: "/work/clues", None),
        ("workspace: clue queue, one rule", "leader", "GET", lambda: f"/work/clues?rule={pick(rules)}", None),
        ("workspace: clue queue, one village", "leader", "GET", lambda: f"/work/clues?village={pick(villages)}", None),
        ("workspace: clue queue, open ones, smallest first, page 3", "leader", "GET",
         lambda: "/work/clues?status=open&sort=amount_asc&page=2", None),
        ("workspace: clue queue, resolved by data", "leader", "GET", lambda: "/work/clues?state=resolved_by_data", None),
        ("workspace: clue queue (township)", "township_secretary", "GET", lambda: "/work/clues", None),
        ("workspace: a clue's page (persons, household, posts; the view is logged)", "leader", "GET",
         lambda: f"/work/clues/{pick(clues)}", None),
        ("workspace: access log", "admin", "GET", lambda: "/work/access-log", None),
        ("workspace: access log of one person", "admin", "GET",
         lambda: f"/work/access-log?subject={pick(subjects)}", None),
        ("workspace: data (imports)", "admin", "GET", lambda: "/work/data", None),
        ("workspace: reports list", "investigator", "GET", lambda: "/work/reports", None),
        ("workspace: a report's page (decrypted for the official)", "investigator", "GET",
         lambda: f"/work/reports/{pick(seeded['reports'])}", None),
        ("workspace: report intake form", "investigator", "GET", lambda: "/work/reports/new", None),
        ("workspace: audit trail (hash chain verified)", "auditor", "GET", lambda: "/work/audit", None),
        ("workspace: statistics (quarter)", "leader", "GET", lambda: "/work/statistics", None),
        ("workspace: statistics as a spreadsheet", "leader", "GET", lambda: "/work/statistics.xlsx", None),
        ("workspace: disposal form of a clue", "investigator", "GET",
         lambda: f"/work/dispose?kind=clue&id={pick(clues)}", None),
        ("workspace: cases list", "investigator", "GET", lambda: "/work/cases", None),
        ("workspace: a case's page", "investigator", "GET", lambda: pick(seeded["cases"]), None),
    ]
    sweeps = {
        "portal: a village's page (books, roster, contracts, projects, decisions, officials, disclosures)": "village",
        "portal: a village's page with one month's vouchers": "month",
        "portal: my money, a person's look-up": "money",
        "workspace: clue queue, one rule": "queue_rule",
        "workspace: clue queue, one village": "queue_village",
        "workspace: a clue's page (persons, household, posts; the view is logged)": "clue",
        "workspace: access log of one person": "subject",
        "workspace: a report's page (decrypted for the official)": "report",
        "workspace: disposal form of a clue": "dispose",
        "workspace: a case's page": "case",
    }
    return [p + (every[sweeps[p[0]]] if p[0] in sweeps else [],) for p in pages]


def sweep(port, cookie, method, subjects):
    """One request per subject, one after another: what a server that has been answering for a
    while holds in memory of the rows the measured requests will read (a county's file is read
    once beforehand, but the operating system does not keep all of 5 GB, and a page of 64 KiB
    read cold from this machine's disk takes milliseconds)."""
    c = Client(port)
    for path, form in subjects:
        c.request(method, path, cookie=cookie, form=form)


def drive(port, cookie, method, path_fn, form_fn, rate, duration, fresh_source):
    """Open-loop load at `rate` requests/s for `duration` s; latencies (ms) from scheduled times."""
    n = int(rate * duration)
    jobs = queue.Queue()
    results = []
    lock = threading.Lock()
    counter = [0]

    def worker():
        client = Client(port)
        while True:
            job = jobs.get()
            if job is None:
                return
            due, path, form = job
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            if fresh_source:
                # The receipt look-up is limited per client address: each request comes from an
                # address of its own (all of 127.0.0.0/8 is this machine).
                with lock:
                    counter[0] += 1
                    k = counter[0]
                c = Client(port, source=f"127.{1 + k // 65025 % 250}.{k // 255 % 255}.{1 + k % 254}")
            else:
                c = client
            status, _, _ = c.request(method, path, cookie=cookie, form=form)
            latency = (time.perf_counter() - due) * 1000
            with lock:
                results.append((latency, status))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(16)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    for i in range(n):
        jobs.put((start + i / rate, path_fn(), form_fn() if form_fn else None))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    lat = sorted(r[0] for r in results)
    bad = sum(1 for r in results if r[1] != 200)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]  # noqa: E731
    return len(lat), bad, pct(0.50), pct(0.99), lat[-1]


def bench_size(size, args):
    db = prepare(size, args.work)
    con = sqlite3.connect(db)
    counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("payments", "entitlements", "vouchers", "persons", "clues")}
    villages = con.execute("SELECT COUNT(*) FROM divisions WHERE level = 'village'").fetchone()[0]
    con.close()
    # The database file read once, so that the operating system holds it in memory as it does
    # for a server that has been answering for a while (the 10m county's file is about 5 GB;
    # cold, a look-up reads its rows from the disk).
    t = time.time()
    with open(db, "rb") as f:
        while f.read(1 << 24):
            pass
    print(f"  read the database file into the page cache in {time.time() - t:.1f} s", flush=True)
    port = free_port()
    server = subprocess.Popen([BIN, "serve", "--database", db, "--listen", f"127.0.0.1:{port}",
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
        sessions = {who: log_in(port, who) for who in ACCOUNTS}
        seeded = seed(port, db, sessions, args.work, size)
        rng = random.Random(7)
        for name, who, method, path_fn, form_fn, subjects in pages(db, seeded, rng):
            cookie = sessions[who][0] if who else None
            fresh = path_fn() == "/report/follow" and method == "POST"
            sweep(port, cookie, method, subjects)
            # Warm-up: the page's code paths and the pages of the database it reads.
            drive(port, cookie, method, path_fn, form_fn, args.rate, 2, fresh)
            n, bad, p50, p99, worst = drive(port, cookie, method, path_fn, form_fn, args.rate, args.duration, fresh)
            rows.append((name, who or "public", method, n, bad, p50, p99, worst))
            print(f"  {name}: n={n} non-200={bad} p50={p50:.1f} p99={p99:.1f} max={worst:.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait()
    print()
    print(f"County {size}: {counts['payments']:,} payments, {counts['entitlements']:,} roster lines, "
          f"{counts['vouchers']:,} vouchers, {counts['persons']:,} persons, {villages} villages, "
          f"{counts['clues']:,} clues; {args.rate} requests/s for {args.duration} s per page.")
    print()
    print("| page | as | method | requests | non-200 | p50 (ms) | p99 (ms) | max (ms) |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for name, who, method, n, bad, p50, p99, worst in rows:
        print(f"| {name} | {who} | {method} | {n} | {bad} | {p50:.1f} | {p99:.1f} | {worst:.1f} |")
    print(flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--rate", type=float, default=25)
    ap.add_argument("--duration", type=float, default=12)
    ap.add_argument("--prepare-only", action="store_true", help="make the databases, measure nothing")
    args = ap.parse_args()
    if not os.path.exists(BIN):
        raise SystemExit("build first: cargo build --release")
    os.makedirs(args.work, exist_ok=True)
    over = []
    for size in args.sizes.split(","):
        if args.prepare_only:
            prepare(size, args.work)
            continue
        for row in bench_size(size, args):
            if row[6] > 50 or row[4]:
                over.append((size,) + row)
    if over:
        print("Over 50 ms at p99, or not answered 200:")
        for r in over:
            print(f"  {r[0]} {r[1]}: p99 {r[7]:.1f} ms, non-200 {r[5]}")


if __name__ == "__main__":
    main()
