"""Find the repository's YAML files, load them, validate them, and index them by kind and id."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from .findings import ERROR, WARNING, Finding, rule
from .loader import MAX_BYTES, Document, load_bytes
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
SINGLE_FILES = {"agreement.yaml": "agreement", "glossary.yaml": "glossary"}
LAYOUT_NB = ("`procedures/agreement.yaml`, `procedures/glossary.yaml` eller en fil under `procedures/` i en av mappene "
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
R_UNREADABLE = rule("file.unreadable", ERROR, "Filen eller mappen kan ikke leses",
    """Filen eller mappen kunne ikke leses fra disken (rettigheter, en lenke som peker til noe som
    ikke finnes e.l.). Dokumentene i en mappe som ikke kan leses, forsvinner ikke stille: de
    er ikke sjekket, og det er et funn.""")
R_NOT_REGULAR = rule("file.not-regular", ERROR, "Ikke en vanlig fil",
    """Stien er ikke en vanlig fil, men for eksempel en navngitt rørledning (FIFO), en enhet eller
    en socket. Den leses ikke (å lese en FIFO kan vente for alltid); under `procedures/` hører
    bare vanlige YAML-filer hjemme.""")
R_SYMLINK_LOOP = rule("file.symlink-loop", ERROR, "Lenke i sirkel",
    """En symbolsk lenke peker (via andre lenker) tilbake på seg selv, så den fører ikke til noen
    fil. Fjern lenken.""")
R_SYMLINK_GIT = rule("file.symlink-git", ERROR, "Lenke inn i .git",
    """En symbolsk lenke peker inn i `.git/`, git sine egne data (konfigurasjon, objekter), som
    ikke er anmeldt innhold og ikke skal siteres i funn. Den leses ikke.""")
R_FILE_NAME = rule("file.name", ERROR, "Filnavn som ikke kan brukes overalt",
    """Filnavnet kan ikke brukes på alle maskinene som henter depotet: det er ikke gyldig UTF-8,
    har kontrolltegn eller tegn Windows ikke tillater (`<>:"|?*\\`), slutter med punktum eller
    mellomrom, eller er et navn Windows reserverer (`con`, `prn`, `aux`, `nul`, `com1`–`com9`,
    `lpt1`–`lpt9`, også med endelse). Gi filen et vanlig navn.""")

WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10)), "conin$", "conout$"})
_WINDOWS_BAD = re.compile('[<>:"|?*\\\x00-\x1f\x7f]')
_SURROGATE = re.compile("[\ud800-\udfff]")


def name_problem(name: str) -> str | None:
    """Why a file or folder name cannot be used on every machine (Norwegian), or None."""
    if _SURROGATE.search(name):
        return "Filnavnet er ikke gyldig UTF-8."
    if _WINDOWS_BAD.search(name):
        return "Filnavnet har kontrolltegn eller tegn Windows ikke tillater."
    if name.endswith((".", " ")):
        return "Filnavnet slutter med punktum eller mellomrom, som Windows fjerner."
    if name.split(".")[0].lower() in WINDOWS_RESERVED:
        return f"`{name.split('.')[0]}` er et navn Windows reserverer; filen kan ikke hentes der."
    return None


class NotRegularFile(Exception):
    """A path that is not a regular file (FIFO, device, socket): never opened for reading."""


def read_regular(path, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, at most `limit` + 1 of them (enough to know it is too large).

    Opened without blocking and checked with fstat before anything is read, so a FIFO cannot
    hang the check and a huge file is not read into memory."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path)
        chunks, left = [], limit + 1
        while left > 0:  # the size fstat gave first; a file that grows meanwhile is read to the limit
            chunk = os.read(fd, min(left, max(info.st_size + 1, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def link_problem(path: Path, root: Path):
    """(rule, message) if `path` is a symbolic link the checks must not follow, else None."""
    if not os.path.islink(path):
        return None
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return R_SYMLINK_LOOP, "Lenken peker i sirkel (tilbake på seg selv via andre lenker)."
        return R_UNREADABLE, "Lenken peker til noe som ikke finnes."
    except RuntimeError:  # pragma: no cover - older Pythons report a loop this way
        return R_SYMLINK_LOOP, "Lenken peker i sirkel (tilbake på seg selv via andre lenker)."
    root = Path(os.path.realpath(root))
    if not target.is_relative_to(root):
        return R_SYMLINK, "Filen er en lenke som peker ut av depotet."
    if target.is_relative_to(root / ".git"):
        return R_SYMLINK_GIT, "Filen er en lenke inn i `.git/`, som ikke er anmeldt innhold."
    return None


class Entry:
    """One loaded, schema-checked document."""

    def __init__(self, kind: str, doc: Document, valid: bool = True):
        self.kind = kind
        self.doc = doc
        self.valid = valid  # loaded and schema-valid: only valid entries are subjects of later rules

    def __repr__(self) -> str:
        return f"Entry({self.kind!r}, {self.doc!r}, valid={self.valid})"

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


class Repository:
    def __init__(self, root: Path, entries: list | None = None, findings: list | None = None,
                 documents: list | None = None, schemas: object = None, store: object = None):
        self.root = root
        self.entries = [] if entries is None else entries
        self.findings = [] if findings is None else findings
        self.documents = [] if documents is None else documents  # every loaded file, also those that failed
        self.schemas = schemas  # the SchemaSet the documents were checked with (scenarios reuse it)
        self.store = store  # check's per-file cache when loaded with one (the guard keeps its scans there)

    def __repr__(self) -> str:
        return f"Repository({str(self.root)!r}, {len(self.entries)} entries)"

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


def discover(root: Path, errors: list | None = None) -> list[Path]:
    """Every file under procedures/, in a stable order. A folder that cannot be read is
    appended to `errors` as (path, OSError) instead of vanishing."""
    base = root / "procedures"
    files = []
    for folder, dirs, names in os.walk(base, onerror=errors.append if errors is not None else None):
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


SCHEMAS_ENV = "SAMHANDLING_SCHEMAS"  # a folder of schemas used instead of the content's (CI: the base's)


def schemas_override() -> Path | None:
    """The folder `SAMHANDLING_SCHEMAS` names, if set: in CI the schemas of the base revision
    (scripts/with-base-code.sh), so a pull request cannot loosen the schemas it is checked with."""
    value = os.environ.get(SCHEMAS_ENV)
    return Path(value) if value else None


def schemas_for(root: Path) -> SchemaSet:
    override = schemas_override()
    if override is not None:
        if not (override / "common.schema.json").is_file():
            raise SetupError(f"`{SCHEMAS_ENV}` peker på `{override}`, som ikke har `common.schema.json`.")
        return SchemaSet(override)
    for folder in (root / "schemas", PACKAGE_SCHEMAS):
        if (folder / "common.schema.json").is_file():
            return SchemaSet(folder)
    raise SetupError(f"fant ingen JSON-skjemaer: verken `{root / 'schemas'}` eller `{PACKAGE_SCHEMAS}` har "
                     "`common.schema.json`. Installer pakken fra depotet med `pip install -e .`, eller legg "
                     "`schemas/` i depotet.")


def load_repository(root: Path, schemas: SchemaSet | None = None, reader=None,
                    cache: dict | None = None, store=None) -> Repository:
    """Load and schema-check every document under `root/procedures`.

    `reader(rel_path) -> bytes` reads a file by its path relative to the root; the
    default reads the working tree (the diff reads git objects through the same seam).
    `cache`, a dict the caller keeps, reuses the parse of a file whose bytes are unchanged.
    `store`, a `checks.model.cache.FileCache`, keeps each file's load and schema result on disk
    between runs, keyed by its bytes, path, the schemas and the code (`check`'s cache).
    """
    root = Path(root)
    schemas = schemas or schemas_for(root)
    repo = Repository(root, schemas=schemas, store=store)
    if reader is None:
        paths = []
        unreadable: list = []
        for p in discover(root, errors=unreadable):
            rel = p.relative_to(root).as_posix()
            problem = link_problem(p, root)
            if problem is not None:
                found, message = problem
                repo.findings.append(found.at(rel, (1, 1), message,
                                              "Legg innholdet i depotet som en vanlig fil i stedet for å lenke til det."))
                continue
            paths.append(rel)
        for exc in unreadable:
            rel = Path(exc.filename).relative_to(root).as_posix() if exc.filename else "procedures"
            repo.findings.append(R_UNREADABLE.at(rel, (1, 1),
                f"Mappen kan ikke leses ({exc.strerror or exc}); dokumentene i den er ikke sjekket.",
                "Gi lesetilgang til mappen, eller fjern den."))
        reader = lambda rel: read_regular(root / rel)  # noqa: E731
    else:
        paths = reader.paths()
    paths = sorted(paths)  # the order files arrive in never changes a result
    for rel in paths:
        for part in rel.split("/")[1:]:
            problem = name_problem(part)
            if problem is not None:
                repo.findings.append(R_FILE_NAME.at(rel, (1, 1), problem, "Gi filen (eller mappen) et vanlig navn."))
                break
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
        except NotRegularFile:
            repo.findings.append(R_NOT_REGULAR.at(rel, (1, 1), "Stien er ikke en vanlig fil (for eksempel en FIFO "
                                                  "eller en enhet), og leses ikke.", "Fjern den."))
            continue
        except OSError as exc:
            repo.findings.append(R_UNREADABLE.at(rel, (1, 1), f"Filen kan ikke leses: {exc.strerror or exc}."))
            continue
        key = store.key(kind, rel, raw, schemas.digest) if store is not None else None
        hit = store.get(key) if key is not None else None  # loaded and schema-checked before
        doc = hit[0] if hit is not None else None
        if doc is None:
            if cache is not None:
                hit = cache.get((rel, raw))
                if hit is None:
                    hit = cache[(rel, raw)] = load_bytes(rel, raw)
                doc = Document(rel, hit.data, hit.text, hit.positions, hit.key_positions, list(hit.findings))
            else:
                doc = load_bytes(rel, raw)
            if not doc.findings and doc.data is not None:
                doc.findings = schemas.validate(kind, doc)
            if key is not None:
                store.put(key, doc)
        repo.documents.append(doc)
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
