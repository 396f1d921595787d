"""The change report for OSO: a comparison rendered as Norwegian Markdown or as JSON.

Only this module formats; `diff.compare` and the rules never print. Every piece of text that
comes from the YAML goes through `sentence.S`/`sentence.Val` or `md_message`, which make it inert
inline Markdown on the line it stands on, so a title cannot open a heading, a link, an HTML
element or a verdict line of its own. The verdict line is always the report's own.
"""

from __future__ import annotations

import re
from collections import Counter

from .. import __version__
from ..model.findings import ERROR, SEVERITY_NB, Finding
from ..model.masking import dumps
from ..model.gitsource import Side, describe
from ..model.vocabulary import PROCEDURE_KINDS, STATUS_NB
from .changes import SECTION, SECTION_NB, Comparison, DocChange
from .flowchart import change_diagram
from .parties import Merger, Party, affected, affected_all, mergers
from .sentence import c, flat, md_escape, md_inline
from .verdict import Verdict

FORMAT_VERSION = 1
# In a diagram, the characters a line may not hold: other control characters, bidi overrides.
_CONTROL = re.compile("[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
KIND_WHOLE_NB = {"chain": "kjeden", "routine": "rutinen"}
LIST_LIMIT = 30
KIND_HEADING = {"chain": "Meldingskjede", "routine": "Rutine", "setting": "Innstilling", "decision": "Vedtak",
                "message-type": "Meldingstype", "agreement": "Avtalen", "party": "Part", "situation": "Situasjon",
                "role": "Rolle på vakt", "glossary": "Ordlisten"}
META_CODES = {"version"}
STATUS_WORD = {"added": "ny", "removed": "fjernet", "renamed": "ny id", "changed": "endret",
               "unreadable": "kan ikke leses"}


def md_message(text: str) -> str:
    """A finding's message as inline Markdown: its `code` spans stay code, the rest is inert.

    Inside a code span nothing is markup (no HTML, no link, no emphasis), and the text has no
    line breaks left, so a span cannot end the line or open a block of its own."""
    parts = flat(text).split("`")
    out = []
    for i, part in enumerate(parts):
        inside = i % 2 == 1 and i < len(parts) - 1
        if inside and part.strip():
            out.append(f"`{part}`")
        else:
            out.append(md_escape(("`" if i % 2 == 1 and not inside else "") + part))
    return "".join(out)


def _fence(body: str) -> str:
    longest = max((len(run) for run in body.split("\n") for run in _runs(run)), default=0)
    return "`" * max(3, longest + 1)


def _runs(line: str) -> list[str]:
    runs, current = [], ""
    for ch in line:
        if ch == "`":
            current += ch
        else:
            if current:
                runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _side_nb(side: Side) -> str:
    if side.commit is None:
        return "arbeidskopien"
    short = f"`{side.commit[:7]}`"
    if side.merge_base:
        return f"flettebasen med {md_message('`' + side.label + '`')} ({short})"
    if side.label and not side.commit.startswith(side.label):
        return f"{md_message('`' + side.label + '`')} ({short})"
    return short


def _counts(findings: list) -> tuple[int, int]:
    counts = Counter(f.severity for f in findings)
    return counts.get(ERROR, 0), counts.get("warning", 0)


def _key(f: Finding) -> tuple:
    return (f.file, f.rule, f.severity, f.message)


def split_findings(base: list, head: list) -> tuple[list, list]:
    """(new in head, gone from base), matching findings by file, rule and message (lines move)."""
    before, after = Counter(_key(f) for f in base), Counter(_key(f) for f in head)
    new, seen = [], Counter()
    for f in head:
        seen[_key(f)] += 1
        if seen[_key(f)] > before[_key(f)]:
            new.append(f)
    gone, seen = [], Counter()
    for f in base:
        seen[_key(f)] += 1
        if seen[_key(f)] > after[_key(f)]:
            gone.append(f)
    return new, gone


def _finding_line(f: Finding, mark: str = "") -> str:
    sev = SEVERITY_NB.get(f.severity, f.severity)
    return (f"- {sev} [`{f.rule}`] {md_message(f.location())}: {md_message(f.message)}"
            + (f" {mark}" if mark else ""))


def _limited(lines: list[str]) -> list[str]:
    if len(lines) <= LIST_LIMIT:
        return lines
    return lines[:LIST_LIMIT] + [f"- … og {len(lines) - LIST_LIMIT} til (se `samhandling check`)."]


def _summary(comparison: Comparison) -> str:
    if comparison.empty:
        return "Ingen innholdsmessige endringer i `procedures/`."
    counts = Counter(doc.kind for doc in comparison.docs)
    names = {"chain": ("meldingskjede", "meldingskjeder"), "routine": ("rutine", "rutiner"),
             "setting": ("innstilling", "innstillinger"), "decision": ("vedtak", "vedtak"),
             "message-type": ("meldingstype", "meldingstyper"), "agreement": ("avtalen", "avtalen"),
             "party": ("part", "parter"), "situation": ("situasjon", "situasjoner"),
             "role": ("rolle på vakt", "roller på vakt"), "glossary": ("ordlisten", "ordlisten")}
    parts = []
    for kind in ("chain", "routine", "setting", "decision", "message-type", "agreement", "party", "situation", "role", "glossary"):
        n = counts.get(kind)
        if n:
            parts.append(names[kind][0] if kind in ("agreement", "glossary") else f"{n} {names[kind][0 if n == 1 else 1]}")
    listed = ", ".join(parts[:-1]) + (" og " if len(parts) > 1 else "") + parts[-1]
    total = len(comparison.docs)
    return f"{total} {'dokument' if total == 1 else 'dokumenter'} er endret: {listed}."


def _status(value) -> object:
    """A status in words; a value of the wrong type (a document with errors) as it is."""
    if isinstance(value, str):
        return STATUS_NB.get(value, value)
    return "?" if value is None else value


def _meta(doc: DocChange) -> str:
    b = doc.before.data if doc.before else {}
    a = doc.after.data if doc.after else {}
    bits = []
    if doc.kind in PROCEDURE_KINDS or doc.kind == "setting":
        bs, as_ = b.get("status"), a.get("status")
        if doc.before and doc.after and bs != as_:
            before, after = _status(bs), _status(as_)
            bits.append(f"status {md_inline(before)} → {md_inline(after)}")
        else:
            status = as_ if doc.after else bs
            bits.append(f"status {md_inline(_status(status))}")
    if doc.kind in PROCEDURE_KINDS:
        bv, av = b.get("version"), a.get("version")
        if doc.before and doc.after and bv != av:
            bits.append(f"versjon {md_inline(bv or '?')} → {md_inline(av or '?')}")
        else:
            bits.append(f"versjon {md_inline((av if doc.after else bv) or '?')}")
    files = [doc.before.file] if doc.before else []
    if doc.after and doc.after.file not in files:
        files.append(doc.after.file)
    bits.append("fil " + " → ".join(md_message(f"`{f}`") for f in files))
    return cap(" · ".join(bits))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _mermaid(body: str) -> str:
    body = _CONTROL.sub("", body.replace("\r", ""))
    fence = _fence(body)
    return f"{fence}mermaid\n{body}{fence}"


def _diagram(doc: DocChange, comparison: Comparison) -> list[str]:
    """The procedure's flowchart with the changed steps highlighted and the removed ones named;
    a new procedure's whole flowchart, folded; nothing for a removed one (it is listed above)."""
    if doc.kind not in PROCEDURE_KINDS or doc.after is None:
        return []
    if not doc.after.valid:
        return ["_Diagrammet kan ikke tegnes fordi dokumentet har feil (se Funn)._", ""]
    types = {e.id: e for e in comparison.head.of("message-type")}
    before = doc.before if doc.status in ("changed", "renamed") else None
    drawn = change_diagram(before, doc.after, types)
    if drawn is None:
        return []
    if before is None:
        return ["<details><summary>Diagram</summary>", "", _mermaid(drawn.body), "", "</details>", ""]
    lines = ["**Diagram etter endringen** (endrede steg uthevet):", "", _mermaid(drawn.body), ""]
    if drawn.legend:
        lines += [drawn.legend, ""]
    if drawn.removed:
        gone = [f"{n}. «{md_inline(title, 120)}» ({c(sid).md()})" for n, title, sid in drawn.removed]
        lines += ["Fjernet: " + "; ".join(gone) + ".", ""]
    if drawn.shown < drawn.total:
        whole = KIND_WHOLE_NB.get(doc.kind, "prosedyren")
        lines += [f"{cap(whole)} har {drawn.total} steg. For at diagrammet skal være lesbart, viser det bare de "
                  f"endrede stegene og naboene deres ({drawn.shown} steg). Hele {whole} står i forhåndsvisningen av "
                  "nettstedet.", ""]
    return lines


def _affected_line(doc: DocChange, comparison: Comparison) -> str:
    return f"Berører: {affected(doc, comparison).sentence().md()}."


def _document(doc: DocChange, comparison: Comparison) -> list[str]:
    title = md_inline(doc.title, 160)
    ident = c(doc.id).md() if doc.id else ""
    old = f" (før {c(doc.old_id).md()})" if doc.old_id else ""
    lines = [f"#### {KIND_HEADING.get(doc.kind, doc.kind)} «{title}» {ident}{old}: {STATUS_WORD[doc.status]}", "",
             _meta(doc), "", _affected_line(doc, comparison), ""]
    for ch in doc.changes:
        if ch.code in META_CODES:
            continue  # shown in the line above
        tag = " *(redaksjonell)*" if ch.bump == "patch" and doc.status in ("changed", "renamed") else ""
        lines.append(f"- {ch.sentence.md()}{tag}")
    lines.append("")
    if doc.impact:
        lines += ["**Berører også:**", ""]
        lines += _limited([f"- {s.md()}" for s in doc.impact])
        lines.append("")
    lines += _diagram(doc, comparison)
    return lines


def _merger(merger: Merger, comparison: Comparison) -> list[str]:
    """A kommune merger as one change: who merges into whom, then what differs in the new
    kommune's file from the one it was made from (if it was renamed from one of them)."""
    into = merger.into
    files = [e.file for e in merger.merged]
    lines = [f"#### Kommunesammenslåing: {merger.sentence().md()}", "",
             "Fil " + " og ".join(md_message(f"`{f}`") for f in files) + " → " + md_message(f"`{into.after.file}`"),
             "", "Berører: " + merger.parties_sentence().md() + ".", ""]
    olds = " og ".join(Party.of(e).s().md() for e in merger.merged)
    numbers = " og ".join(md_inline(Party.of(e).number or e.id, 20) for e in merger.merged)
    lines.append(f"- {olds} er ikke lenger parter i avtalen; {merger.into_party.s().md()} blir part og har "
                 f"{numbers} som tidligere kommunenummer.")
    if into.status == "renamed":
        source = next((e for e in merger.merged if e.id == into.old_id), None)
        rest = [ch for ch in into.changes if ch.code not in ("renamed", "municipality_number", "previous_numbers.added",
                                                              "previous_numbers.removed", "previous_numbers.changed")]
        if source is not None and rest:
            lines.append(f"- Opplysningene til {merger.into_party.s().md()} bygger på filen til "
                         f"{Party.of(source).s().md()}; dette er endret:")
            lines += [f"  - {ch.sentence.md()}" for ch in rest]
    lines.append("")
    return lines


def checks_changed_nb(paths: list[str]) -> str:
    """The warning at the top of a report whose change also changes what checks it."""
    shown = ", ".join(c(p).md() for p in paths[:12]) + (f" og {len(paths) - 12} til" if len(paths) > 12 else "")
    return ("> **Endrer også sjekkene** (koden, skjemaene, arbeidsflytene, testene eller skriptene): "
            f"{shown}. Rapporten og vedtaksreglene i CI er laget med koden og skjemaene fra basen, så endringen kan ikke "
            "skrive sin egen dom. Vedlikeholderne må godkjenne disse filene (CODEOWNERS).")


def markdown(comparison: Comparison, base: Side, head: Side, base_findings: list, head_findings: list,
             verdict: Verdict, checks_changed: list | None = None) -> str:
    lines = ["## Endringsrapport", ""]
    if checks_changed:
        lines += [checks_changed_nb(checks_changed), ""]
    lines += [f"Før: {_side_nb(base)}. Etter: {_side_nb(head)}.", "",
              _summary(comparison), ""]
    # for a board member: the verdict and what OSO must decide first, then the changes
    lines += ["### Vedtak i OSO", "", f"**Krever OSO-vedtak: {'ja' if verdict.required else 'nei'}**", ""]
    lines += [f"- {reason.md()}" for reason in verdict.reasons]
    decide = _to_decide(comparison)
    if decide:
        lines += ["", "Versjonene saken gjelder:", ""] + [f"- {line}" for line in decide]
    if not comparison.empty:
        lines += ["", f"**Berørte parter:** {cap(affected_all(comparison).summary().md())}."]
    broken = sorted({f.rule for f in head_findings if f.rule.startswith("governance.") and f.severity == ERROR})
    if broken:
        count = sum(1 for f in head_findings if f.rule.startswith("governance.") and f.severity == ERROR)
        lines += ["", f"Endringen bryter reglene for vedtaksprosessen: {count} feil ("
                  + ", ".join(f"`{r}`" for r in broken) + "); se Funn. `samhandling explain REGEL` forklarer reglene."]
    lines.append("")
    merged = mergers(comparison)
    in_merger = {id(d) for m in merged for d in [m.into, *m.removed]}
    for index, name in enumerate(SECTION_NB):
        docs = [d for d in comparison.docs if SECTION.get(d.kind) == index]
        if not docs:
            continue
        lines += [f"### {name}", ""]
        if docs[0].kind == "party":
            for merger in merged:
                lines += _merger(merger, comparison)
        for doc in docs:
            if id(doc) not in in_merger:
                lines += _document(doc, comparison)
    lines += _findings_section(base, head, base_findings, head_findings)
    return "\n".join(lines).rstrip("\n") + "\n"


def _to_decide(comparison: Comparison) -> list[str]:
    """Per procedure whose version or status changes: from which version to which, its status
    and the date it is to apply from, so OSO sees what it is asked to adopt."""
    out = []
    for doc in comparison.of(*PROCEDURE_KINDS):
        b = doc.before.data if doc.before else {}
        a = doc.after.data if doc.after else {}
        if (b.get("version"), b.get("status")) == (a.get("version"), a.get("status")) and not doc.content_changes:
            continue
        title = md_inline(doc.title, 120)
        old = f"versjon {md_inline(b.get('version'), 20)} ({STATUS_NB.get(b.get('status'), '?')})" if b else "ny"
        new = (f"versjon {md_inline(a.get('version'), 20)} ({STATUS_NB.get(a.get('status'), '?')})" if a
               else "fjernet")
        line = f"«{title}»: {old} → {new}"
        if a.get("effective") and a.get("effective") != b.get("effective"):
            line += f", gjelder fra {md_inline(a.get('effective'), 20)}"
        substantive = sum(1 for ch in doc.content_changes if ch.level > 1)
        editorial = len(doc.content_changes) - substantive
        if doc.content_changes:
            parts = []
            if substantive:
                parts.append(f"{substantive} i innholdet")
            if editorial:
                parts.append(f"{editorial} redaksjonell{'e' if editorial > 1 else ''}")
            line += f"; {len(doc.content_changes)} endring{'er' if len(doc.content_changes) > 1 else ''} (" + \
                ", ".join(parts) + ")"
        out.append(line + ".")
    return out


def _findings_section(base: Side, head: Side, base_findings: list, head_findings: list) -> list[str]:
    be, bw = _counts(base_findings)
    he, hw = _counts(head_findings)
    new, gone = split_findings(base_findings, head_findings)
    new_keys = {id(f) for f in new}
    lines = ["### Funn", "",
             f"Før: {_count_nb(be, bw)}. Etter: {_count_nb(he, hw)}.", ""]
    head_errors = [f for f in head_findings if f.severity == ERROR]
    if head_errors:
        lines += ["**Feil etter endringen:**", ""]
        lines += _limited([_finding_line(f, "*(ny)*" if id(f) in new_keys else "") for f in head_errors])
        lines.append("")
    fixed = [f for f in gone if f.severity == ERROR]
    if fixed:
        lines += ["**Feil som er rettet:**", ""]
        lines += _limited([_finding_line(f) for f in fixed])
        lines.append("")
    new_warnings = [f for f in new if f.severity != ERROR]
    if new_warnings:
        lines += ["**Nye advarsler:**", ""]
        lines += _limited([_finding_line(f) for f in new_warnings])
        lines.append("")
    gone_warnings = [f for f in gone if f.severity != ERROR]
    if gone_warnings:
        lines += ["**Advarsler som forsvinner:**", ""]
        lines += _limited([_finding_line(f) for f in gone_warnings])
        lines.append("")
    if not (head_errors or fixed or new_warnings or gone_warnings):
        lines += ["Endringen gir ingen nye funn og fjerner ingen.", ""]
    return lines


def _count_nb(errors: int, warnings: int) -> str:
    return f"{errors} feil og {warnings} {'advarsel' if warnings == 1 else 'advarsler'}"


def as_json(comparison: Comparison, base: Side, head: Side, base_findings: list, head_findings: list,
            verdict: Verdict, checks_changed: list | None = None) -> str:
    new, gone = split_findings(base_findings, head_findings)
    be, bw = _counts(base_findings)
    he, hw = _counts(head_findings)
    data = {
        "format": FORMAT_VERSION,
        "tool": {"name": "samhandling", "version": __version__},
        "base": describe(base),
        "head": describe(head),
        "changed": not comparison.empty,
        "documents": [{**d.as_dict(), "affected_parties": affected(d, comparison).as_dict()}
                      for d in comparison.docs],
        "affected_parties": affected_all(comparison).as_dict(),
        "mergers": [{"into": m.into.after.id, "merged": [e.id for e in m.merged]} for m in mergers(comparison)],
        "checks_changed": list(checks_changed or []),
        "requires_decision": verdict.required,
        "reasons": [r.text() for r in verdict.reasons],
        "findings": {
            "base": {"errors": be, "warnings": bw},
            "head": {"errors": he, "warnings": hw},
            "new": [f.as_dict() for f in new],
            "resolved": [f.as_dict() for f in gone],
        },
    }
    return dumps(data, indent=2) + "\n"  # strict, masked, valid UTF-8 (checks.model.masking)


REPORTS = {"markdown": markdown, "json": as_json}
