"""Marks per fact: which single fact a status qualifies, where a deadline comes from, and what
no source says anything about. The site, the export and the change report read these helpers,
so a confirmed fact never reads as soft because something else in its step is uncertain.

- `marks` on a step qualifies one fact (`message_type`, `from`, `to`, `deadline`, `actor`);
- a deadline's `rule` is the source of the deadline itself, its `legal_reference` the paragraph
  it is tied to: each has its own status;
- `not_found` lists what no source says (shown as a plain note, never as «ikke bekreftet»);
- `unconfirmed` on a step or document keeps the facts that are stated but not confirmed.
"""

from __future__ import annotations

DEADLINE_ORIGIN_NB = {
    "regulation": "forskrift",
    "recommended-standard": "anbefalt standard",
    "practice": "praksis",
    "local-agreement": "lokal avtale",
    "setting": "innstilling fra OSO",
}
MARK_NB = {"unconfirmed": "ikke bekreftet", "secondary": "sekundærkilde"}
FACT_NB = {"message_type": "meldingstype", "from": "avsenderadresse", "to": "mottakeradresse",
           "deadline": "frist", "actor": "utføres av", "legal_reference": "hjemmel"}


def deadline_origin(deadline: dict | None) -> str | None:
    """Where a deadline comes from; a deadline set by a setting comes from OSO."""
    if not isinstance(deadline, dict):
        return None
    return deadline.get("origin") or ("setting" if deadline.get("setting") else None)


def deadline_label(deadline: dict | None) -> str:
    """«Frist (praksis)», «Frist (forskrift)», ... or plain «Frist» when the origin is not given."""
    origin = deadline_origin(deadline)
    return f"Frist ({DEADLINE_ORIGIN_NB[origin]})" if origin in DEADLINE_ORIGIN_NB else "Frist"


def fact_mark(step: dict, fact: str) -> dict | None:
    """The mark ({status, note}) on one fact of a step, or None when the fact is confirmed.
    `deadline` is the deadline's value (its own mark, or its source's status); `legal_reference`
    is the paragraph the deadline is tied to."""
    if not isinstance(step, dict):
        return None
    mark = (step.get("marks") or {}).get(fact)
    if mark and mark.get("status") in MARK_NB:
        return mark
    deadline = step.get("deadline") or {}
    if fact == "deadline":
        rule = deadline.get("rule") or {}
        if rule.get("status") in MARK_NB:
            return {"status": rule["status"], "note": rule.get("note", "")}
    if fact == "legal_reference":
        ref = deadline.get("legal_reference") or {}
        if ref.get("status") in MARK_NB:
            return {"status": ref["status"], "note": ref.get("note", "")}
    return None


def marked_facts(step: dict) -> dict:
    """Fact -> mark for every marked fact of a step."""
    return {fact: mark for fact in FACT_NB if (mark := fact_mark(step, fact))}


def count_unconfirmed(data: dict) -> int:
    """How many stated facts in a procedure the sources do not confirm: the document's and the
    steps' `unconfirmed` notes and every fact marked unconfirmed (not the `not_found` notes)."""
    count = len(data.get("unconfirmed") or [])
    for step in data.get("steps") or []:
        if isinstance(step, dict):
            count += len(step.get("unconfirmed") or [])
            count += sum(1 for m in marked_facts(step).values() if m.get("status") == "unconfirmed")
    return count
