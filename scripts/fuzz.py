"""Long fuzz run: feed at least 100 000 inputs through the whole pipeline and report.

Inputs are random bytes, random YAML documents, structured mutations of the shipped content
and the classes of #13 (planted personal identity numbers in every spelling, hidden line
breaks, numbers beyond the limits, control characters, hostile file names; see
tests/fuzzlib.py), each replacing or adding one file of the repository. For each input: no
exception, every finding inside its file, the same findings on a second run (every tenth
input), the findings in all four formats, the graph of every procedure, the change report
against the shipped content (every second input) and the site pages (every 25th input)
produced, every output strict JSON / valid UTF-8 / free of control characters where it must
be, no planted number left once masked, and the guard reporting every planted number a
reader can read. Failures are printed as they are found, progress every 1 000 inputs, so an
interrupted run still gives its figures. Usage:
    python scripts/fuzz.py [--count 100000] [--seed 1] [--jobs 1]
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

from fuzzlib import (ROOT, MemoryReader, downstream, guard_problems, make_input, output_problems,  # noqa: E402
                     shipped_files, yaml_lines)

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
    began = time.perf_counter()
    for i in range(start, stop):
        rng = random.Random(seed * 1_000_003 + i)
        kind, path, content, planted = make_input(rng, base)
        kinds[kind.split("-")[0] if kind.startswith("identifier") else kind] += 1
        files = {**base, path: content}
        try:
            repo = load_repository(ROOT, schemas, reader=MemoryReader(files), cache=cache)
            findings = analyse(repo)
            problems = _positions_ok(findings, files)
            if i % 10 == 0 and analyse(load_repository(ROOT, schemas, reader=MemoryReader(files))) != findings:
                problems.append("ulike funn for samme inndata")
            # the site is the costliest stage: every 25th input; the change report every second
            outputs = downstream(*base_model, repo, findings, site=i % 25 == 0, report=i % 2 == 0)
            problems += output_problems(outputs, planted) + guard_problems(repo, findings, planted)
        except Exception:  # a crash is exactly what this run looks for
            problems = ["unntak: " + traceback.format_exc(limit=3).strip().splitlines()[-1]]
        found = [f"inndata {i} ({kind}, {path!r}): {p}" for p in problems]
        for line in found:
            print("  FEIL " + line, file=sys.stderr, flush=True)
        failures += found
        if (i - start + 1) % 1000 == 0:
            print(f"  [{start}–{stop}] {i - start + 1} inndata, {len(failures)} feil, "
                  f"{time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        if len(cache) > 2000:
            cache.clear()
    return kinds, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    chunk = (args.count + args.jobs - 1) // args.jobs
    parts = [(args.seed, j * chunk, min(args.count, (j + 1) * chunk)) for j in range(args.jobs)]
    if args.jobs == 1:
        results = [worker(parts[0])]
    else:
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
