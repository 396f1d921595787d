"""`samhandling new KIND ID`: a draft a newcomer can finish.

Every value a person must supply or decide is written as `FYLL INN: ...` (also dates, choices
and references, so no default passes if forgotten), which the rule `content.placeholder`
reports with its position until it is replaced, and nothing else reports at that node. The
first line tells the YAML language server (VS Code and others) the file's schema, so the
editor shows the Norwegian help for every field. An existing file is never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model.repository import FOLDERS, PACKAGE_SCHEMAS, name_problem
from .rules.content import PLACEHOLDER

ALIASES = {
    "party": "party", "part": "party",
    "message-type": "message-type", "meldingstype": "message-type",
    "chain": "chain", "meldingskjede": "chain",
    "routine": "routine", "rutine": "routine",
    "decision": "decision", "vedtak": "decision",
    "setting": "setting", "innstilling": "setting",
}
FOLDER_OF = {kind: folder for folder, kind in FOLDERS.items()}
# the enum of routine.schema.json's `category`, in the order a new routine would most likely need
ROUTINE_CATEGORIES = ("deviation", "downtime-monitoring", "manual-fallback", "misdirected", "apprec-follow-up",
                      "urgent-dialog", "new-message-types", "message-responsible", "video", "video-clinical-plan",
                      "video-competence-plan", "record-access")

_SOURCE = f"""sources:
  - title: "{PLACEHOLDER}: kildens tittel"
    url: https://{PLACEHOLDER.lower().replace(' ', '-')}.invalid/kilde
"""
_STEPS = f"""steps:
  - id: start
    type: start
    title: "{PLACEHOLDER}: hva som starter prosedyren"
    next: slutt
  - id: slutt
    type: end
    title: "{PLACEHOLDER}: hvordan prosedyren slutter"
"""
_META = f"""title: "{PLACEHOLDER}: tittel"
summary: "{PLACEHOLDER}: hva prosedyren sikrer"
version: "0.1.0"
status: draft
owner: "{PLACEHOLDER}: rollen som forvalter prosedyren"
fulfils:
  - "{PLACEHOLDER}: forpliktelsen i avtalen prosedyren oppfyller, for eksempel 5.1.d.4"
"""

TEMPLATES = {
    "party": f"""role: municipality
name: "{PLACEHOLDER}: offisielt navn"
municipality_number: "{{id}}"
county: "{PLACEHOLDER}: fylke"
service_addresses:
  - role: sykepleietjeneste
    name: Sykepleietjeneste, pleie- og omsorg
  - role: legetjeneste
    name: Legetjeneste, pleie- og omsorg
  - role: saksbehandler
    name: Saksbehandler, pleie, omsorg, rehab
""" + _SOURCE,
    "message-type": f"""name: "{PLACEHOLDER}: meldingens norske navn"
standard: "{PLACEHOLDER}: standard og dokumentnummer"
version: "{PLACEHOLDER}: versjonen av standarden, for eksempel 1.6"
directions:
  - from: "{PLACEHOLDER}: health-trust eller municipality"
    to: "{PLACEHOLDER}: municipality eller health-trust"
apprec: true
regulation_status: "{PLACEHOLDER}: mandatory, recommended, phasing-out eller withdrawn"
""" + _SOURCE,
    "chain": _META + _STEPS + _SOURCE,
    "routine": _META + f"""category: {{category}}
roles:
  - id: ansvarlig
    title: "{PLACEHOLDER}: rollens navn"
    party: both
""" + _STEPS + _SOURCE,
    "decision": f"""body: OSO
case_number: "{PLACEHOLDER}: saksnummeret"
meeting_date: "{PLACEHOLDER}: møtedatoen, ÅÅÅÅ-MM-DD"
title: "{PLACEHOLDER}: hva vedtaket gjelder"
adopts:
  - procedure: "{PLACEHOLDER}: id-en til prosedyren som vedtas"
    version: "{PLACEHOLDER}: versjonen som vedtas, for eksempel 1.0.0"
""" + _SOURCE,
    "setting": f"""title: "{PLACEHOLDER}: kort navn"
description: "{PLACEHOLDER}: hva verdien styrer"
kind: "{PLACEHOLDER}: duration (en varighet) eller text"
status: submitted
""",
}


class ScaffoldError(Exception):
    """A reason not to write the draft (Norwegian, shown as a usage error)."""


def free_category(root: Path | None) -> str:
    """The first routine category no routine in force or proposed uses, so a new draft never
    collides with an existing one; a placeholder when every category is taken."""
    taken = set()
    folder = Path(root) / "procedures" / "routines" if root is not None else None
    if folder is not None and folder.is_dir():
        from .model.loader import load_bytes
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = load_bytes(path.name, path.read_bytes()).data
            except OSError:
                continue
            if isinstance(data, dict) and data.get("status") != "repealed":
                taken.add(data.get("category"))
    for category in ROUTINE_CATEGORIES:
        if category not in taken:
            return category
    return f'"{PLACEHOLDER}: kategorien (alle er i bruk; en ny rutine erstatter en som oppheves)"'


MAX_ID = 80  # a file name every file system and git host takes (the schemas say the same)


def _id_schema(raw: dict, kind: str) -> dict:
    """The schema of a kind's `id`, with `$ref`s into the other schema files resolved."""
    node = raw[f"{kind}.schema.json"]["properties"]["id"]
    while "$ref" in node:
        name, _, pointer = node["$ref"].partition("#")
        target = raw[name or f"{kind}.schema.json"]
        for part in pointer.strip("/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def id_problem(kind: str, doc_id: str, raw: dict | None = None) -> str | None:
    """Why `doc_id` cannot be the id of a new document of `kind` (Norwegian), or None: the
    schema's own rule for the id (the whole id must match), a length every file system
    takes, and no name Windows reserves."""
    if raw is None:
        from .model.schema import SchemaSet
        raw = SchemaSet(PACKAGE_SCHEMAS).raw
    schema = _id_schema(raw, kind)
    limit = min(schema.get("maxLength", MAX_ID), MAX_ID)
    shown = doc_id if len(doc_id) <= 40 else doc_id[:39] + "…"
    if len(doc_id) > limit:
        return f"id-en `{shown}` er for lang: høyst {limit} tegn"
    import jsonschema_rs
    checker = jsonschema_rs.validator_for({k: v for k, v in schema.items() if k in ("type", "pattern", "maxLength",
                                                                                    "minLength", "enum")})
    if not checker.is_valid(doc_id) or not re.fullmatch("[a-z0-9-]+", doc_id):
        if kind == "party":
            return f"id-en `{shown}` passer ikke: en part har kommunenummeret (fire sifre) som id"
        return f"id-en `{shown}` passer ikke: bruk små bokstaver, tall og bindestrek"
    problem = name_problem(f"{doc_id}.yaml")
    if problem is not None:
        return f"id-en `{shown}` kan ikke brukes som filnavn: {problem[0].lower() + problem[1:].rstrip('.')}"
    return None


def draft(kind: str, doc_id: str, root: Path | None = None, raw: dict | None = None) -> tuple[str, str]:
    """(relative path, YAML text) for a new draft document. Every value a person must decide is
    a `FYLL INN` placeholder (reported as `content.placeholder` and nothing else); `root` lets a
    routine draft pick a category no other routine has; `raw` (the schemas by file name) gives
    the id rule, the package's schemas when left out."""
    canonical = ALIASES.get(kind)
    if canonical is None:
        raise ScaffoldError(f"ukjent dokumenttype `{kind}`; bruk en av: " + ", ".join(sorted(set(ALIASES))))
    problem = id_problem(canonical, doc_id, raw)
    if problem is not None:
        raise ScaffoldError(problem)
    schema = f"../../schemas/{canonical}.schema.json"
    body = TEMPLATES[canonical].replace("{id}", doc_id)
    if canonical == "routine":
        body = body.replace("{category}", free_category(root))
    text = f"# yaml-language-server: $schema={schema}\nid: \"{doc_id}\"\n{body}"
    return f"procedures/{FOLDER_OF[canonical]}/{doc_id}.yaml", text


def write_draft(root: Path, kind: str, doc_id: str) -> Path:
    from .model.repository import schemas_for
    rel, text = draft(kind, doc_id, root, schemas_for(root).raw)  # the repository's own id rules
    path = root / rel
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"`{rel}` finnes allerede; ingenting er skrevet") from None
    except OSError as exc:
        raise ScaffoldError(f"kunne ikke skrive `{rel}`: {exc.strerror or exc}") from None
    return path
