"""Find the repository's YAML files, load them, validate them, and index them by kind and id."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .findings import ERROR, WARNING, Finding, rule
from .loader import Document, load_bytes
from .schema import KIND_NB, SchemaSet

PACKAGE_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"  # a link to ../schemas, copied when installed
FOLDERS = {
    "parties": "party",
    "message-types": "message-type",
    "chains": "chain",
    "routines": "routine",
    "decisions": "decision",
    "settings": "setting",
    "situations": "situation",
    "roles": "role",
}
SINGLE_FILES = {"agreement.yaml": "agreement"}
LAYOUT_NB = ("`procedures/agreement.yaml` eller en fil under `procedures/` i en av mappene "
             + ", ".join(f"`{name}/`" for name in FOLDERS))

R_UNKNOWN_KIND = rule("file.unknown-kind", ERROR, "Fil uten dokumenttype",
    f"""Filen ligger ikke på et sted som bestemmer dokumenttypen. Dokumenttypen velges etter
    mappen: {LAYOUT_NB}. Filer må ha endelsen `.yaml`.""")
R_ID_MISMATCH = rule("file.id-mismatch", ERROR, "Id ulik filnavnet",
    """Et dokuments `id` skal være lik filnavnet uten `.yaml`, så hver id finnes ett sted.""")
R_DUPLICATE_ID = rule("file.duplicate-id", ERROR, "Samme id to ganger",
    """To dokumenter av samme type har samme id.""")
R_NO_AGREEMENT = rule("file.missing-agreement", ERROR, "Avtalen mangler",
    """Depotet skal ha `procedures/agreement.yaml` med avtalens forpliktelser.""")
R_SYMLINK = rule("file.symlink-outside", ERROR, "Lenke ut av depotet",
    """En symbolsk lenke under `procedures/` peker ut av depotet. Den leses ikke: innholdet
    må ligge i depotet, der det anmeldes.""")
R_CASE = rule("file.case-collision", ERROR, "Filnavn som bare skiller seg i store og små bokstaver",
    """To filer har navn som bare skiller seg i store og små bokstaver. De kolliderer på Windows
    og macOS, der bare én av dem kan finnes.""")
R_UNREADABLE = rule("file.unreadable", ERROR, "Filen kan ikke leses",
    """Filen kunne ikke leses fra disken (rettigheter, lenke som peker ut av depotet e.l.).""")


@dataclass
class Entry:
    """One loaded, schema-checked document."""

    kind: str
    doc: Document
    valid: bool = True  # loaded and schema-valid: only valid entries are subjects of later rules

    @property
    def data(self) -> dict:
        return self.doc.data if isinstance(self.doc.data, dict) else {}

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else ""

    @property
    def file(self) -> str:
        return self.doc.file


@dataclass
class Repository:
    root: Path
    entries: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # every loaded file, also those that failed

    def of(self, kind: str) -> list:
        """Valid entries of a kind, the subjects of the content and graph rules."""
        return [e for e in self.entries if e.kind == kind and e.valid]

    def index(self, kind: str) -> dict:
        """Id -> entry for every entry of a kind with an id, valid or not, so that a
        reference to a document with a schema error is not reported a second time."""
        out = {}
        for entry in self.entries:
            if entry.kind == kind and entry.id:
                out.setdefault(entry.id, entry)
        return out

    @property
    def agreement(self) -> Entry | None:
        found = self.of("agreement")
        return found[0] if found else None


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `procedures/`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "procedures").is_dir():
            return folder
    return start


def kind_of(rel: Path) -> str | None:
    """Document kind of a path relative to procedures/, or None."""
    parts = rel.parts
    if rel.suffix != ".yaml":
        return None
    if len(parts) == 1:
        return SINGLE_FILES.get(parts[0])
    if len(parts) == 2:
        return FOLDERS.get(parts[0])
    return None


def discover(root: Path) -> list[Path]:
    """Every file under procedures/, in a stable order."""
    base = root / "procedures"
    files = []
    for folder, dirs, names in os.walk(base):
        dirs.sort()
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in links]  # never followed, reported as files
        for name in sorted(names + links):
            if name.startswith(".") or name in ("README.md",):
                continue
            files.append(Path(folder) / name)
    return files


class SetupError(Exception):
    """The tool cannot run here (no schemas found); one Norwegian line, exit 2."""


def schemas_for(root: Path) -> SchemaSet:
    for folder in (root / "schemas", PACKAGE_SCHEMAS):
        if (folder / "common.schema.json").is_file():
            return SchemaSet(folder)
    raise SetupError(f"fant ingen JSON-skjemaer: verken `{root / 'schemas'}` eller `{PACKAGE_SCHEMAS}` har "
                     "`common.schema.json`. Installer pakken fra depotet med `pip install -e .`, eller legg "
                     "`schemas/` i depotet.")


def load_repository(root: Path, schemas: SchemaSet | None = None, reader=None,
                    cache: dict | None = None) -> Repository:
    """Load and schema-check every document under `root/procedures`.

    `reader(rel_path) -> bytes` reads a file by its path relative to the root; the
    default reads the working tree (the diff reads git objects through the same seam).
    `cache`, a dict the caller keeps, reuses the parse of a file whose bytes are unchanged.
    """
    root = Path(root)
    schemas = schemas or schemas_for(root)
    repo = Repository(root)
    if reader is None:
        paths = []
        resolved_root = root.resolve()
        for p in discover(root):
            rel = p.relative_to(root).as_posix()
            if p.is_symlink() and not p.resolve().is_relative_to(resolved_root):
                repo.findings.append(R_SYMLINK.at(rel, (1, 1), "Filen er en lenke som peker ut av depotet.",
                                                  "Legg innholdet i depotet i stedet for å lenke til det."))
                continue
            paths.append(rel)
        reader = lambda rel: (root / rel).read_bytes()  # noqa: E731
    else:
        paths = reader.paths()
    paths = sorted(paths)  # the order files arrive in never changes a result
    folded: dict = {}
    for rel in paths:
        other = folded.setdefault(rel.casefold(), rel)
        if other != rel:
            repo.findings.append(R_CASE.at(rel, (1, 1), f"Filnavnet kolliderer med `{other}` på Windows og macOS.",
                                           "Gi filen et navn som skiller seg i mer enn store og små bokstaver."))
    for rel in paths:
        kind = kind_of(Path(rel).relative_to("procedures"))
        if kind is None:
            repo.findings.append(R_UNKNOWN_KIND.at(
                rel, (1, 1), "Filen har ingen kjent dokumenttype ut fra plasseringen.",
                f"Legg den som {LAYOUT_NB}."))
            continue
        try:
            raw = reader(rel)
        except OSError as exc:
            repo.findings.append(R_UNREADABLE.at(rel, (1, 1), f"Filen kan ikke leses: {exc.strerror or exc}."))
            continue
        if cache is not None:
            hit = cache.get((rel, raw))
            if hit is None:
                hit = cache[(rel, raw)] = load_bytes(rel, raw)
            doc = Document(rel, hit.data, hit.text, hit.positions, hit.key_positions, list(hit.findings))
        else:
            doc = load_bytes(rel, raw)
        repo.documents.append(doc)
        repo.findings.extend(doc.findings)
        if not doc.findings and doc.data is not None:
            doc.findings = schemas.validate(kind, doc)
            repo.findings.extend(doc.findings)
        entry = Entry(kind, doc, valid=not doc.findings)
        if isinstance(doc.data, dict):
            _check_id(entry, rel, repo)
            repo.entries.append(entry)
    if not repo.of("agreement") and not any(Path(p).name == "agreement.yaml" for p in paths):
        repo.findings.append(R_NO_AGREEMENT.at("procedures/agreement.yaml", (1, 1),
                                               "Filen `procedures/agreement.yaml` finnes ikke.",
                                               "Skriv avtalens forpliktelser i denne filen."))
    seen: dict = {}
    for entry in repo.entries:
        if not entry.id or entry.kind == "agreement":
            continue
        key = (entry.kind, entry.id)
        if key in seen:
            repo.findings.append(R_DUPLICATE_ID.at(
                entry.file, entry.doc.position(("id",)),
                f"Id-en `{entry.id}` er brukt av en annen {KIND_NB[entry.kind]} også ({seen[key]}).",
                "Gi dokumentet en egen id.", ("id",)))
        else:
            seen[key] = entry.file
    return repo


def _check_id(entry: Entry, rel: str, repo: Repository) -> None:
    if entry.kind == "agreement":
        return
    stem = Path(rel).stem
    if entry.id and entry.id != stem:
        repo.findings.append(R_ID_MISMATCH.at(
            rel, entry.doc.position(("id",)),
            f"Id-en `{entry.id}` er ulik filnavnet `{Path(rel).name}`.",
            f"Gi filen navnet `{entry.id}.yaml`, eller sett `id: {stem}`.", ("id",)))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings))


__all__ = ["Repository", "Entry", "load_repository", "find_root", "sort_findings", "WARNING"]
