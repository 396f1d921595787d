"""`samhandling new KIND ID`: a schema-valid draft to start from.

Every value a person must supply is written as `FYLL INN: ...`, which the rule
`content.placeholder` reports with its position until it is replaced. An existing file is
never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model.repository import FOLDERS
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
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

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
# {PLACEHOLDER}: forpliktelsene prosedyren oppfyller, for eksempel "5.1.d.4"
fulfils:
  - "0"
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
version: "1.0"
directions:
  - from: health-trust
    to: municipality
apprec: true
regulation_status: recommended
""" + _SOURCE,
    "chain": _META + _STEPS + _SOURCE,
    "routine": _META + f"""category: deviation
roles:
  - id: ansvarlig
    title: "{PLACEHOLDER}: rollens navn"
    party: both
""" + _STEPS + _SOURCE,
    "decision": f"""body: OSO
case_number: "{PLACEHOLDER}"
meeting_date: "2000-01-01"
title: "{PLACEHOLDER}: hva vedtaket gjelder"
""" + _SOURCE,
    "setting": f"""title: "{PLACEHOLDER}: kort navn"
description: "{PLACEHOLDER}: hva verdien styrer"
kind: duration
status: submitted
""",
}


class ScaffoldError(Exception):
    """A reason not to write the draft (Norwegian, shown as a usage error)."""


def draft(kind: str, doc_id: str) -> tuple[str, str]:
    """(relative path, YAML text) for a new draft document."""
    canonical = ALIASES.get(kind)
    if canonical is None:
        raise ScaffoldError(f"ukjent dokumenttype `{kind}`; bruk en av: " + ", ".join(sorted(set(ALIASES))))
    if canonical == "party":
        if not (re.fullmatch(r"[0-9]{4}", doc_id) or re.fullmatch(r"[a-z]+", doc_id)):
            raise ScaffoldError(f"id-en `{doc_id}` passer ikke: en part har kommunenummeret (fire sifre) som id")
    elif not _ID.match(doc_id):
        raise ScaffoldError(f"id-en `{doc_id}` passer ikke: bruk små bokstaver, tall og bindestrek")
    schema = f"../../schemas/{canonical}.schema.json"
    body = TEMPLATES[canonical].replace("{id}", doc_id)
    text = f"# yaml-language-server: $schema={schema}\nid: \"{doc_id}\"\n{body}"
    return f"procedures/{FOLDER_OF[canonical]}/{doc_id}.yaml", text


def write_draft(root: Path, kind: str, doc_id: str) -> Path:
    rel, text = draft(kind, doc_id)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"`{rel}` finnes allerede; ingenting er skrevet") from None
    return path
