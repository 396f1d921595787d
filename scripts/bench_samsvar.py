"""Throughput and peak memory of `samhandling samsvar` on generated logs.

    python scripts/bench_samsvar.py --rows 1000000 --threads 1
    python scripts/bench_samsvar.py --rows 10000000 --threads 2 --format parquet

Generates a log with `scripts/gen_logs.py` (about ten rows per stay) into a temporary folder,
runs `samhandling samsvar --format json` on it as its own process, and reports wall time,
rows per second, the peak resident memory of that process (getrusage of the child), and
whether the violations found are exactly the planted ones. Nothing here is a timed test; the
figures go in docs/samsvar.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import gen_logs  # noqa: E402


def run_once(rows: int, fmt: str, threads: int | None, keep: Path | None = None, memory_limit: str | None = None) -> dict:
    cases = max(1, rows // 10)
    with tempfile.TemporaryDirectory(prefix="samsvar-bench-") as tmp:
        folder = keep or Path(tmp)
        log = folder / f"logg-{rows}.{fmt}"
        fasit = folder / f"fasit-{rows}.csv"
        t = time.perf_counter()
        facts = gen_logs.generate(ROOT, log, cases, seed=1, expected=fasit, threads=threads)
        gen_s = time.perf_counter() - t
        cmd = [sys.executable, "-m", "checks", "-C", str(ROOT), "samsvar", str(log), "--format", "json"]
        if threads:
            cmd += ["--threads", str(threads)]
        if memory_limit:
            cmd += ["--memory-limit", memory_limit]
        # GNU time reports the child's own peak RSS (getrusage here would count the forked copy
        # of this process, which holds the generator's memory, before the child execs)
        stats = folder / "time.txt"
        t = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(stats), *cmd], capture_output=True, text=True,
                                env={**os.environ, "NO_COLOR": "1"})
        wall = time.perf_counter() - t
        peak_kb = int(stats.read_text().strip().splitlines()[-1])
        before = 0
        if result.returncode == 2:
            raise SystemExit(result.stderr)
        found = {(v["case_id"], v["rule"], v["message_type"]) for v in json.loads(result.stdout)["violations"]}
        with fasit.open(encoding="utf-8") as fh:
            expected = {(r["case_id"], r["rule"], r["message_type"]) for r in csv.DictReader(fh)}
        return {"memory_limit": memory_limit, "rows": facts["rows"], "cases": cases, "format": fmt, "threads": threads or os.cpu_count(),
                "file_mb": round(log.stat().st_size / 1e6, 1), "generate_s": round(gen_s, 1),
                "samsvar_s": round(wall, 1), "rows_per_s": round(facts["rows"] / wall),
                "peak_rss_mb": round(max(peak_kb, before) / 1024), "planted": len(expected),
                "exact": found == expected, "missed": len(expected - found), "extra": len(found - expected)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Mål samhandling samsvar på genererte logger.")
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    ap.add_argument("--threads", type=int, default=1, help="tråder for DuckDB (standard: 1, for å dele maskinen)")
    ap.add_argument("--memory-limit", help="minnegrense for DuckDB, for eksempel 512MB (resten går til disk)")
    ap.add_argument("--json", help="skriv resultatene som JSON hit")
    args = ap.parse_args(argv)
    out = []
    for rows in args.rows:
        r = run_once(rows, args.format, args.threads, memory_limit=args.memory_limit)
        out.append(r)
        print((f"{r['rows']:>11,} rader ({r['format']}, {r['file_mb']} MB, {r['threads']} tråd(er)): "
              f"{r['samsvar_s']} s, {r['rows_per_s']:,} rader/s, topp {r['peak_rss_mb']} MB minne; "
              + (f"minnegrense {r['memory_limit']}; " if r["memory_limit"] else "")
              + f"plantede brudd {r['planted']}, {'nøyaktig funnet' if r['exact'] else 'AVVIK'}"
              + f" (generert på {r['generate_s']} s)").replace(",", " "))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r["exact"] for r in out) else 1


if __name__ == "__main__":
    sys.exit(main())
