#!/usr/bin/env python3
"""Runs the rule files of crates/engine/rules/*.sql in DuckDB over a generated county, and
compares what they find with the county's truth.csv.

This is the reference side of the engine benchmark (the same rule SQL, the same data, another
engine) and a quick way to check a rule while writing it:

    python3 bench/rules_duckdb.py COUNTY_DIR [--only SUB-DECEASED,FUN-SPLIT] [--show 5]

Tables are loaded from the CSVs with the types the engine gives them: money as BIGINT fen, dates
as DATE, booleans as BOOLEAN, counts as BIGINT, areas as DOUBLE, everything else as text; empty
cells are NULL and documented defaults are applied. A one-row table `data_window(first_date,
last_date)` spans the ledgers' dates. Needs `pip install duckdb`.
"""
import argparse
import csv
import os
import re
import sys
import time

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = os.path.join(ROOT, "crates", "engine", "rules")
CONTRACT_DOC = os.path.join(ROOT, "docs", "data-contract.md")


def contract_types():
    """{table: [(column, kind, default)]} from the generated column reference of the contract doc."""
    tables, current = {}, None
    for line in open(CONTRACT_DOC, encoding="utf-8"):
        m = re.match(r"### `(\w+)\.csv`", line)
        if m:
            current = m.group(1)
            tables[current] = []
            continue
        m = re.match(r"\| `(\w+)` \|[^|]*\|[^|]*\| ([^|]*) \| ([^|]*) \|$", line.strip())
        if current and m:
            kind_text, default = m.group(2).strip(), m.group(3).strip().strip("`")
            if kind_text.startswith("yuan"):
                kind = "money"
            elif kind_text.startswith("date"):
                kind = "date"
            elif kind_text.startswith("whole number"):
                kind = "count"
            elif kind_text.startswith("number"):
                kind = "decimal"
            elif kind_text.startswith("yes/no"):
                kind = "bool"
            else:
                kind = "text"
            tables[current].append((m.group(1), kind, default or None))
    return tables


def sql_expr(col, kind, default):
    v = f"NULLIF(TRIM(\"{col}\"), '')"
    if default is not None:
        v = f"COALESCE({v}, '{default}')"
    if kind == "money":
        return f"CAST(ROUND(CAST(REPLACE({v}, ',', '') AS DECIMAL(18,2)) * 100) AS BIGINT) AS {col}"
    if kind == "date":
        return f"CAST(REPLACE({v}, '/', '-') AS DATE) AS {col}"
    if kind == "count":
        return f"CAST({v} AS BIGINT) AS {col}"
    if kind == "decimal":
        return f"CAST(REPLACE({v}, ',', '') AS DOUBLE) AS {col}"
    if kind == "bool":
        return f"(LOWER({v}) IN ('true', '1', 'y', 'yes', '是')) AS {col}"
    return f"{v} AS {col}"


def load(con, folder):
    types = contract_types()
    for table, cols in types.items():
        path = os.path.join(folder, f"{table}.csv")
        if os.path.exists(path):
            select = ", ".join(sql_expr(c, k, d) for c, k, d in cols)
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM read_csv('{path}', header=true, all_varchar=true)"
            )
        else:
            empty = ", ".join(
                f"CAST(NULL AS {dict(money='BIGINT', date='DATE', count='BIGINT', decimal='DOUBLE', bool='BOOLEAN').get(k, 'VARCHAR')}) AS {c}"
                for c, k, _ in cols
            )
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {empty} WHERE false")
    con.execute(
        """CREATE OR REPLACE TABLE data_window AS SELECT MIN(d) AS first_date, MAX(d) AS last_date FROM (
             SELECT paid_on AS d FROM payments UNION ALL SELECT date FROM vouchers
             UNION ALL SELECT approved_on FROM entitlements UNION ALL SELECT published_on FROM disclosures
             UNION ALL SELECT signed_on FROM collective_contracts UNION ALL SELECT awarded_on FROM projects)"""
    )


def parse_rule(path):
    header, params, body = {}, {}, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"--\s*([\w.]+):\s*(.*)$", line.rstrip("\n"))
        if m and not body:
            key, value = m.group(1), m.group(2).strip()
            if key == "param":
                pm = re.match(r"(\w+)\s*=\s*([-\d.]+)", value)
                params[pm.group(1)] = pm.group(2)
            else:
                header[key] = value
        else:
            body.append(line)
    sql = "".join(body)
    for k, v in params.items():
        sql = sql.replace("{{" + k + "}}", v)
    return header, sql


def truth(folder):
    out = {}
    with open(os.path.join(folder, "truth.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["rule_id"], set()).add(row["record_ids"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("county")
    ap.add_argument("--only")
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="after the per-rule run, also time all rules run N at a time (as qingfeng check does)",
    )
    args = ap.parse_args()
    con = duckdb.connect()
    con.execute(f"PRAGMA threads={args.threads}")
    t = time.perf_counter()
    load(con, args.county)
    print(f"loaded in {time.perf_counter() - t:.1f} s")
    expected = truth(args.county) if os.path.exists(os.path.join(args.county, "truth.csv")) else {}
    files = sorted(f for f in os.listdir(RULES) if f.endswith(".sql"))
    only = set(args.only.split(",")) if args.only else None
    total = 0.0
    print(f"{'rule':28} {'clues':>7} {'recall':>7} {'precision':>9} {'seconds':>8}")
    for name in files:
        header, sql = parse_rule(os.path.join(RULES, name))
        rid = header.get("id", name[:-4])
        if only and rid not in only:
            continue
        t = time.perf_counter()
        try:
            rows = con.execute(sql).fetchall()
            cols = [d[0] for d in con.description]
        except Exception as e:  # noqa: BLE001 — report and go on with the other rules
            print(f"{rid:28} ERROR {e}")
            continue
        secs = time.perf_counter() - t
        total += secs
        found = {r[cols.index("record_ids")] for r in rows}
        want = expected.get(rid, set())
        tp = len(found & want)
        recall = tp / len(want) if want else float("nan")
        precision = tp / len(found) if found else float("nan")
        print(f"{rid:28} {len(found):7} {recall:7.3f} {precision:9.3f} {secs:8.2f}")
        if args.show and (found - want or want - found):
            for x in sorted(want - found)[: args.show]:
                print(f"    missed: {x}")
            for x in sorted(found - want)[: args.show]:
                print(f"    extra:  {x}")
    print(f"all rules: {total:.2f} s")
    if args.concurrency > 0:
        # The same queries, N at a time, each on its own cursor (DuckDB runs them in parallel
        # and releases the GIL while it works): the wall time of the whole catalogue.
        from concurrent.futures import ThreadPoolExecutor

        sqls = [parse_rule(os.path.join(RULES, n))[1] for n in files]

        def run(sql):
            cur = con.cursor()
            return len(cur.execute(sql).fetchall())

        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(run, sqls))
        print(f"all rules, {args.concurrency} at a time: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
