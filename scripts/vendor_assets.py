#!/usr/bin/env python3
"""Fetch the site's third-party files from the npm registry and pin them.

The site loads nothing from other hosts, so mermaid and the iframe-worker shim are shipped
under docs/assets/vendor/NAME-VERSION/, listed with their sha256 in vendor.json. This script
re-creates them from the npm registry with `npm pack` (the ordinary npm client):

    python scripts/vendor_assets.py                     # fetch the pinned versions again, check
    python scripts/vendor_assets.py mermaid=11.18.0     # move a package to another version

It checks the tarball against the registry's integrity value, copies the listed files and
rewrites vendor.json. After a version change, update the path in mkdocs.yml
(`extra.polyfills`) or docs/assets/javascripts/samhandling.js (`MERMAID`); the tests in
tests/test_site.py fail until they agree with vendor.json.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "docs" / "assets" / "vendor"
MANIFEST = VENDOR / "vendor.json"


def npm_pack(spec: str, into: Path) -> tuple[Path, str]:
    """Download `spec` as a tarball; return its path and the registry's integrity value."""
    out = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(into)],
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    return into / info["filename"], info["integrity"]


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main(argv: list[str]) -> int:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    wanted = dict(arg.split("=", 1) for arg in argv)
    for package in manifest["packages"]:
        name, old = package["name"], package["version"]
        version = wanted.pop(name, old)
        with tempfile.TemporaryDirectory() as tmp:
            tarball, integrity = npm_pack(f"{name}@{version}", Path(tmp))
            if integrity_of(tarball) != integrity:
                raise SystemExit(f"{name}@{version}: tarballen stemmer ikke med registerets integritet")
            if version == old and integrity != package["integrity"]:
                raise SystemExit(f"{name}@{version}: registeret oppgir en annen integritet enn vendor.json")
            with tarfile.open(tarball) as tar:
                tar.extractall(tmp, filter="data")
            files = {}
            if version != old:
                shutil.rmtree(VENDOR / f"{name}-{old}", ignore_errors=True)
            for rel, meta in package["files"].items():
                target = VENDOR / f"{name}-{version}" / rel.split("/", 1)[1]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(tmp) / "package" / meta["from"], target)
                files[target.relative_to(VENDOR).as_posix()] = {
                    "from": meta["from"], "sha256": hashlib.sha256(target.read_bytes()).hexdigest()}
        package.update(version=version, integrity=integrity, files=files)
        print(f"{name}@{version}: {', '.join(files)}")
    if wanted:
        raise SystemExit(f"ukjente pakker: {', '.join(wanted)}")
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
