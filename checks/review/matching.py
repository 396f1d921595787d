"""Pairing the documents of two repositories: by kind and id, and for the rest by content
(bounded rename detection), then describing every pair (`compare`)."""

from __future__ import annotations

import json
import re
from collections import Counter

from ..model.repository import Entry, Repository
from ..model.vocabulary import PROCEDURE_KINDS
from .changes import Change, Comparison, DocChange, KIND_ORDER, MAJOR, SECTION
from .context import Ctx
from .describers import describe
from .describers.whole import added_removed_summary
from .impact import impact
from .sentence import c, S
from .structure import canon, walk


# -- pairing documents ---------------------------------------------------------------------------

def _key(entry: Entry) -> tuple:
    if entry.kind == "agreement":
        return ("agreement", "")
    return (entry.kind, entry.id or entry.file)


def _entries(repo: Repository) -> dict:
    out = {}
    for entry in repo.entries:
        out.setdefault(_key(entry), entry)
    return out


RENAME_THRESHOLD = 0.75
RENAME_CAP = 1500        # words and signs of each document's canonical text the similarity reads
RENAME_CANDIDATES = 20   # documents each removed one is compared with, at most
RARE_TOKENS = 12         # a document's rarest words, to find its candidates


class _Shape:
    """What rename detection reads of a document: its canonical text without the id (capped),
    a hash of the whole, its normalised title and its words."""

    __slots__ = ("tokens", "digest", "title", "words", "pairs", "size")

    def __init__(self, entry: Entry):
        data = {k: v for k, v in canon(entry.data).items() if k != "id"}
        full = json.dumps(data, ensure_ascii=False, sort_keys=True)
        self.digest = hash(full)
        self.tokens = [t.casefold() for t in _TOKEN.findall(full[:RENAME_CAP * 12])[:RENAME_CAP]]
        title = entry.data.get("title") or entry.data.get("name")
        self.title = " ".join(title.split()).casefold() if isinstance(title, str) else None
        self.words = frozenset(t for t in self.tokens if len(t) > 2)
        self.pairs = Counter(zip(self.tokens, self.tokens[1:]))
        self.size = max(len(self.tokens) - 1, 0)


_TOKEN = re.compile(r"\w+")


def _ratio(a: _Shape, b: _Shape) -> float:
    """Similarity of the capped texts in linear time: the share of word pairs (bigrams) the
    two have in common (Dice), after a cheaper bound on the words alone."""
    union = len(a.words | b.words)
    if union and len(a.words & b.words) / union < RENAME_THRESHOLD / 2:
        return 0.0
    if a.size + b.size == 0:
        return 1.0 if a.tokens == b.tokens else 0.0
    if 2 * min(a.size, b.size) / (a.size + b.size) < RENAME_THRESHOLD:
        return 0.0  # lengths too different
    return 2 * sum((a.pairs & b.pairs).values()) / (a.size + b.size)


def _similarity(a: Entry, b: Entry) -> float:
    return _ratio(_Shape(a), _Shape(b))


def find_renames(before: dict, after: dict, removed: list, added: list) -> dict:
    """added key -> removed key, for documents that were renamed (same kind, new id).

    Bounded, so 1,000 renamed documents take seconds: (1) identical content (a hash of the
    canonical text without the id), (2) the same title, unique on both sides, (3) for the rest,
    each removed document is compared with at most RENAME_CANDIDATES added ones that share
    its rarest words, by word overlap and then a text similarity on the first RENAME_CAP
    words and signs. Pairs are taken best first; every choice is deterministic."""
    renames: dict = {}
    kinds = sorted({k[0] for k in removed} & {k[0] for k in added} - {"agreement"})
    for kind in kinds:
        gone = sorted(k for k in removed if k[0] == kind)
        new = sorted(k for k in added if k[0] == kind)
        shape = {k: _Shape(before[k]) for k in gone}
        shape.update({k: _Shape(after[k]) for k in new})
        used: set = set()

        def pair(rk, ak):
            used.update((rk, ak))
            renames[ak] = rk

        by_digest: dict = {}
        for ak in new:
            by_digest.setdefault(shape[ak].digest, []).append(ak)
        for rk in gone:
            for ak in by_digest.get(shape[rk].digest, []):
                if ak not in used:
                    pair(rk, ak)
                    break
        titles_gone, titles_new = {}, {}
        for keys, titles in ((gone, titles_gone), (new, titles_new)):
            for k in keys:
                if k not in used and shape[k].title:
                    titles.setdefault(shape[k].title, []).append(k)
        for title, rks in titles_gone.items():
            aks = titles_new.get(title, [])
            if len(rks) == 1 and len(aks) == 1 and _ratio(shape[rks[0]], shape[aks[0]]) >= RENAME_THRESHOLD / 2:
                pair(rks[0], aks[0])
        rest_gone = [k for k in gone if k not in used]
        rest_new = [k for k in new if k not in used]
        if not rest_gone or not rest_new:
            continue
        frequency: dict = {}
        for k in rest_gone + rest_new:
            for word in shape[k].words:
                frequency[word] = frequency.get(word, 0) + 1
        index: dict = {}
        for ak in rest_new:
            for word in sorted(shape[ak].words, key=lambda w: (frequency[w], w))[:RARE_TOKENS]:
                index.setdefault(word, []).append(ak)
        candidates = []
        for rk in rest_gone:
            votes: dict = {}
            for word in sorted(shape[rk].words, key=lambda w: (frequency[w], w))[:RARE_TOKENS]:
                for ak in index.get(word, ())[:RENAME_CANDIDATES * 4]:
                    votes[ak] = votes.get(ak, 0) + 1
            ranked = sorted(votes, key=lambda ak: (-votes[ak], ak))[:RENAME_CANDIDATES]
            for ak in ranked:
                score = _ratio(shape[rk], shape[ak])
                if score >= RENAME_THRESHOLD:
                    candidates.append((-score, rk, ak))
        for _, rk, ak in sorted(candidates):
            if rk not in used and ak not in used:
                pair(rk, ak)
    return renames


def compare(base: Repository, head: Repository, with_impact: bool = True) -> Comparison:
    """Every document that differs between two repositories, most consequential first.
    `with_impact` also lists what refers to each change (the report needs it, the rules do not)."""
    before, after = _entries(base), _entries(head)
    unreadable_after = {d.file for d in getattr(head, "documents", []) if not isinstance(d.data, dict)}
    removed = [k for k in before if k not in after and before[k].file not in unreadable_after]
    added = [k for k in after if k not in before]
    renames = find_renames(before, after, removed, added)
    docs = []
    for key in sorted(set(before) | set(after), key=lambda k: (KIND_ORDER.index(k[0]) if k[0] in KIND_ORDER else 99, k)):
        b, a = before.get(key), after.get(key)
        kind = key[0]
        if a is not None and key in renames:
            b = before[renames[key]]
            ctx = Ctx(kind, b, a, base, head)
            data_b = {k: v for k, v in b.data.items() if k != "id"}
            data_a = {k: v for k, v in a.data.items() if k != "id"}
            changes = describe(ctx, walk(data_b, data_a))
            changes.insert(0, Change("renamed", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                     S("Id-en endres fra ", c(b.id), " til ", c(a.id), " (filen ", c(b.file),
                                       " heter nå ", c(a.file), ")."), "id", (-2,)))
            docs.append(DocChange(kind, a.id, "renamed", b, a, changes, old_id=b.id))
        elif a is not None and b is None:
            ctx = Ctx(kind, None, a, base, head)
            docs.append(DocChange(kind, a.id, "added", None, a,
                                  [Change("added", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                          added_removed_summary(kind, a, "add", ctx), "", (-2,))]))
        elif b is not None and a is None:
            if key in renames.values():
                continue
            if b.file in unreadable_after:
                docs.append(DocChange(kind, b.id, "unreadable", b, None,
                                      [Change("unreadable", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                              S("Filen kan ikke leses etter endringen (se Funn), så innholdet er ikke "
                                                "sammenlignet."), "", (-2,))]))
                continue
            ctx = Ctx(kind, b, None, base, head)
            docs.append(DocChange(kind, b.id, "removed", b, None,
                                  [Change("removed", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                          added_removed_summary(kind, b, "remove", ctx), "", (-2,))]))
        else:
            leaves = walk(b.data, a.data)
            if leaves:
                ctx = Ctx(kind, b, a, base, head)
                changes = describe(ctx, leaves)
                docs.append(DocChange(kind, a.id, "changed", b, a, changes))
    comparison = Comparison(base, head, docs)
    if with_impact:
        for doc in docs:
            doc.impact = impact(doc, comparison)
    comparison.docs.sort(key=lambda d: (SECTION.get(d.kind, 99), -d.level,
                                        -sum(1 for ch in d.changes if ch.level == MAJOR), d.kind, d.id))
    return comparison
