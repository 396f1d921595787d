"""Benchmark `samhandling check` as a whole process.

Runs the check on the real repository and on a generated repository 100 times larger
(every document copied 100 times under new ids), and prints wall time, time per file and
peak memory. Usage: python scripts/bench.py [--scale 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(target: Path, scale: int) -> int:
    """Copy the repository's documents `scale` times, renaming ids so references still resolve."""
    shutil.copytree(ROOT / "procedures", target / "procedures")
    shutil.copytree(ROOT / "schemas", target / "schemas")
    count = sum(1 for _ in (target / "procedures").rglob("*.yaml"))
    number = 1000
    taken = {p.stem for p in (ROOT / "procedures" / "parties").glob("*.yaml")}
    for n in range(1, scale):
        for path in sorted((ROOT / "procedures").rglob("*.yaml")):
            folder = path.parent.name
            if path.name == "agreement.yaml":
                continue
            text = path.read_text(encoding="utf-8")
            if folder == "parties":
                while str(number) in taken:
                    number += 1
                new_id = str(number)
                taken.add(new_id)
                text = re.sub(rf'(?m)^(id|municipality_number): "?{re.escape(path.stem)}"?$',
                              rf'\1: "{new_id}"', text)
            else:
                new_id = f"{path.stem}-k{n}"
                text = re.sub(rf"(?m)^id: {re.escape(path.stem)}$", f"id: {new_id}", text)
            out = target / path.parent.relative_to(ROOT) / f"{new_id}.yaml"
            out.write_text(text, encoding="utf-8")
            count += 1
    return count


def measure(repo: Path, runs: int) -> tuple[list[float], float, int]:
    times = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "checks", "-C", str(repo), "check", "--format", "json"],
                              cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
        code = proc.returncode
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return times, peak_kib / 1024, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = sum(1 for _ in (ROOT / "procedures").rglob("*.yaml"))
    print(f"{'depot':<22}{'filer':>8}{'median s':>11}{'min s':>9}{'ms/fil':>9}{'maks MiB':>10}{'kode':>6}")
    times, peak, code = measure(ROOT, args.runs)
    print(f"{'ekte':<22}{files:>8}{statistics.median(times):>11.3f}{min(times):>9.3f}"
          f"{1000 * statistics.median(times) / files:>9.3f}{peak:>10.1f}{code:>6}")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "stort"
        count = generate(big, args.scale)
        times, peak, code = measure(big, args.runs)
        print(f"{f'{args.scale}x større':<22}{count:>8}{statistics.median(times):>11.3f}{min(times):>9.3f}"
              f"{1000 * statistics.median(times) / count:>9.3f}{peak:>10.1f}{code:>6}")
    print("Maks MiB er største minnebruk for en enkelt kjøring så langt (ru_maxrss).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
