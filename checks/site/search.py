"""The search index for people on shift: Norwegian letters folded, so «tromso» finds Tromsø.

People type ø, æ and å as o, ae and a on keyboards and phones without them. The search
plugin (lunr, Norwegian stemmer) matches words as written, so every page's index text gets
the folded spelling of its words with æ, ø or å appended once (the page itself is unchanged).
The theme searches each word as a prefix («utskrivningsklar» finds «utskrivningsklare», not the
other way round), and a stemmer would not help (prefix queries are not stemmed). So the words
of each glossary entry (its term and its other spellings, procedures/glossary.yaml) are one
group: a page holding one of them is indexed with the others too («utskrivningsklare» finds
the pages that say «utskrivningsklar», «AppRec» those that say «applikasjonskvittering»).
"""

from __future__ import annotations

import re

FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "å": "a", "Å": "A"})
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W\d_]+")


def folded_words(text: str) -> list[str]:
    """The words of a text that hold æ, ø or å, folded, in first-seen order."""
    return _folded(_WORD.findall(_TAG.sub(" ", text)))


def _folded(words: list) -> list[str]:
    out: dict = {}
    for word in words:
        folded = word.translate(FOLD)
        if folded != word:
            out.setdefault(folded.lower(), None)
    return list(out)


def synonym_groups(terms: list) -> list[list[str]]:
    """Word groups from glossary entries: the term's words, each other spelling that is one
    word (AppRec), and from a longer spelling the words that share their first six letters
    with a word of the term («utskrivningsklare» from «utskrivningsklare pasienter», but not
    «pasienter», which would tie every page about patients to the group)."""
    groups = []
    for term in terms or []:
        if not isinstance(term, dict):
            continue
        base = [w for w in _WORD.findall(str(term.get("term") or "").lower())]
        words: dict = dict.fromkeys(base)
        for phrase in term.get("also") or []:
            found = _WORD.findall(str(phrase).lower())
            if len(found) == 1:
                words.setdefault(found[0], None)
                continue
            for word in found:
                if len(word) >= 6 and any(word[:6] == b[:6] for b in base):
                    words.setdefault(word, None)
        if len(words) > 1:
            groups.append(list(words))
    return groups


def fold_index(data: dict, groups: list | None = None) -> dict:
    """The search index (mkdocs' search_index.json as data) with folded words and the other
    words of each glossary group the page uses added."""
    for doc in data.get("docs", []):
        text = f"{doc.get('title', '')} {doc.get('text', '')}"
        words = _WORD.findall(_TAG.sub(" ", text))  # once for both (as folded_words(text) reads them)
        present = {w.lower() for w in words}
        extra = _folded(words)
        for group in groups or []:
            if present.intersection(group):
                extra += [w for w in group if w not in present]
        extra = list(dict.fromkeys(extra))
        if extra:
            doc["text"] = f"{doc.get('text', '')} <p class=\"sh-folded\">{' '.join(extra)}</p>"
    return data
