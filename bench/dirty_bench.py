#!/usr/bin/env python3
"""Rule quality on a dirty county against the same county written clean.

    python3 bench/dirty_bench.py [--villages 20] [--persons 300] [--months 24] [--dirty 0.2] [--seed 11]

Generates one county twice with `qingfeng generate` — clean, and with `--dirty RATE` (that share of
the cells written as county offices export them: full-width digits, spaces and traditional
characters in names, 15-digit ID numbers, grouped or apostrophe-marked account numbers, amounts
with 元, dates in every office's format, GBK/BOM/CRLF, Chinese headers, blank rows) — imports
each into its own SQLite file, runs every rule, and prints recall and precision per rule for both,
side by side, with the import's count of normalised cells. Figures, not assertions; the test
`a_dirty_county_scores_exactly_as_the_clean_one` asserts the same on a small county.

Uses the release binary (`cargo build --release`), or `--bin PATH`.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return proc.stdout


def quality(eval_out):
    """{rule: (planted, found, correct, recall, precision)} from `qingfeng eval`."""
    rows = {}
    for line in eval_out.splitlines():
        f = line.split()
        if len(f) == 6 and re.match(r"^[A-Z]+-[A-Z-]+$", f[0]):
            rows[f[0]] = (int(f[1]), int(f[2]), int(f[3]), f[4], f[5])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--villages", type=int, default=20)
    ap.add_argument("--persons", type=int, default=300)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--dirty", type=float, default=0.2)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "qingfeng"))
    a = ap.parse_args()
    results = {}
    for name, rate in (("clean", 0.0), ("dirty", a.dirty)):
        out = os.path.join(a.work, f"dirt-{name}")
        db = os.path.join(a.work, f"dirt-{name}.sqlite")
        shutil.rmtree(out, ignore_errors=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        gen = run([a.bin, "generate", "--villages", str(a.villages), "--persons-per-village",
                   str(a.persons), "--months", str(a.months), "--seed", str(a.seed),
                   "--dirty", str(rate), "--out", out])
        payments = re.search(r"payments\s+(\d+)", gen).group(1)
        imp = run([a.bin, "import", "--database", db, "--report-dir", out, out])
        m = re.search(r"normalised: (\d+)", imp)
        normalised = int(m.group(1)) if m else 0
        if "REJECTED" in imp:
            sys.stderr.write(imp)
            raise SystemExit(f"the {name} county was rejected")
        run([a.bin, "check", "--database", db])
        ev = run([a.bin, "eval", "--database", db, "--truth", os.path.join(out, "truth.csv")])
        results[name] = (quality(ev), payments, normalised)

    clean, payments, _ = results["clean"]
    dirty, _, normalised = results["dirty"]
    print(f"County: {a.villages} villages × {a.persons} persons × {a.months} months, seed {a.seed}: "
          f"{int(payments):,} payments; dirty rate {a.dirty}: {normalised:,} cells normalised on import.\n")
    print("| rule | planted | clean: found | clean: recall | clean: precision | dirty: found | dirty: recall | dirty: precision | same |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    same_all = True
    for rule in sorted(set(clean) | set(dirty)):
        c = clean.get(rule, (0, 0, 0, "-", "-"))
        d = dirty.get(rule, (0, 0, 0, "-", "-"))
        same = c == d
        same_all &= same
        print(f"| {rule} | {c[0]} | {c[1]} | {c[3]} | {c[4]} | {d[1]} | {d[3]} | {d[4]} | {'yes' if same else '**no**'} |")
    print(f"\nEvery rule the same on the dirty county: {'yes' if same_all else 'NO'}")


if __name__ == "__main__":
    main()
