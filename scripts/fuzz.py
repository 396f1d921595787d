"""Long fuzz run: feed at least 100 000 inputs through the whole pipeline and report.

Inputs are random bytes, random YAML documents and structured mutations of the shipped
content (see tests/fuzzlib.py), each replacing one file of the repository. For each input:
no exception, every finding inside its file, the same findings on a second run (every tenth
input), the graph of every procedure drawn, the change report against the shipped content
(every second input) and the site pages (every tenth input) produced. Usage:
    python scripts/fuzz.py [--count 100000] [--seed 1] [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzzlib import ROOT, MemoryReader, downstream, make_input, shipped_files, yaml_lines  # noqa: E402

from checks.review.gate import analyse  # noqa: E402
from checks.model.repository import load_repository, schemas_for  # noqa: E402


def _positions_ok(findings, files) -> list[str]:
    bad = []
    for f in findings:
        raw = files.get(f.file)
        if raw is None:
            continue
        lines = yaml_lines(raw)
        if not (1 <= f.line <= max(len(lines), 1)) or not (1 <= f.column <= len(lines[f.line - 1]) + 1):
            bad.append(f"posisjon utenfor filen: {f.location()} {f.rule}")
    return bad


def worker(args) -> tuple[Counter, list[str]]:
    seed, start, stop = args
    base = shipped_files()
    cache: dict = {}
    schemas = schemas_for(ROOT)
    base_repo = load_repository(ROOT, schemas, reader=MemoryReader(base))
    base_model = (base_repo, analyse(base_repo))
    kinds: Counter = Counter()
    failures: list[str] = []
    for i in range(start, stop):
        rng = random.Random(seed * 1_000_003 + i)
        kind, path, content = make_input(rng, base)
        kinds[kind] += 1
        files = {**base, path: content}
        try:
            repo = load_repository(ROOT, schemas, reader=MemoryReader(files), cache=cache)
            findings = analyse(repo)
            problems = _positions_ok(findings, files)
            if i % 10 == 0 and analyse(load_repository(ROOT, schemas, reader=MemoryReader(files))) != findings:
                problems.append("ulike funn for samme inndata")
            # the site is the costliest stage: every tenth input; the change report every second
            downstream(*base_model, repo, findings, site=i % 10 == 0, report=i % 2 == 0)
        except Exception:  # a crash is exactly what this run looks for
            problems = ["unntak: " + traceback.format_exc(limit=3).strip().splitlines()[-1]]
        failures += [f"inndata {i} ({kind}, {path}): {p}" for p in problems]
        if (i - start + 1) % 5000 == 0:
            print(f"  [{start}–{stop}] {i - start + 1} inndata, {len(failures)} feil", file=sys.stderr, flush=True)
        if len(cache) > 2000:
            cache.clear()
    return kinds, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    chunk = (args.count + args.jobs - 1) // args.jobs
    parts = [(args.seed, j * chunk, min(args.count, (j + 1) * chunk)) for j in range(args.jobs)]
    with multiprocessing.Pool(args.jobs) as pool:
        results = pool.map(worker, parts)
    kinds = sum((k for k, _ in results), Counter())
    failures = [f for _, fs in results for f in fs]
    elapsed = time.perf_counter() - start
    print(f"{sum(kinds.values())} inndata på {elapsed:.0f} s: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"{len(failures)} feil")
    for line in failures[:50]:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
