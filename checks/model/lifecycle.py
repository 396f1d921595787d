"""Which version of each procedure is in force, which is pending, and the history.

The rule OSO works by: a decision (`procedures/decisions/ID.yaml`) adopts a version of a
procedure (`adopts: [{procedure, version}]`) or repeals it (`repeals: [procedure]`). The
version a decision adopted stays in force until a later decision adopts another version or
repeals it, also while a revision is drafted or submitted on `main`: staff never read a draft
as the rule, nor lose the rule because a draft exists.

Where the text in force comes from (never retyped): the procedure as it was in git at the
decision's commit, the first commit that holds the decision record. If the procedure there
does not have the adopted version (the record was committed before the procedure file was
updated), the procedure file's own history is searched, newest first, for a commit where it
is adopted in that version by that decision, and then for any commit with that version.
When no commit has it adopted by that decision, the working tree is used if it holds exactly
that (the record is not committed yet, or there is no git: a copy of the files, a shallow
clone), and then any commit with that version. Otherwise the version is known from the
decision but its text is not (`InForce.entry is None`, `InForce.source == "missing"`): the
site says so and never shows the draft in its place.

Decisions are ordered by meeting date (then id). A version adopted with a start date
(`effective`) after `today` is `upcoming`; the version before it stays in force until then.

`lifecycles(repo)` answers for every chain and routine in `repo` (and every procedure a
decision names that has no file any more is skipped: deleting history is a governance
finding, not a lifecycle).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .gitsource import GitError, load_at, git
from .loader import load_bytes
from .repository import Entry, Repository
from .vocabulary import PROCEDURE_KINDS, STATUS_NB, parse_date

FOLDER = {"chain": "chains", "routine": "routines"}


@dataclass(frozen=True)
class DecisionRef:
    """The decision record, as the site and report cite it."""

    id: str
    case_number: str | None
    meeting_date: str | None
    title: str | None
    body: str | None
    file: str


@dataclass
class InForce:
    """A version a decision adopted, with the text read where it was adopted."""

    version: str
    decision: DecisionRef
    valid_from: str | None          # the procedure's `effective` at that commit (or None)
    entry: Entry | None             # the procedure as adopted; None when the text cannot be read
    commit: str | None              # the commit the text was read at; None for the working tree
    source: str                     # "git" | "working-tree" | "missing"
    repository: Repository | None = None  # the whole repository at that commit (names of message types, ...)

    @property
    def title(self) -> str | None:
        return self.entry.data.get("title") if self.entry else None


@dataclass
class Pending:
    """The procedure on `main` when it is not the version in force: a draft or submitted
    revision (or the first version, when nothing is in force)."""

    version: str | None
    status: str                     # draft | submitted
    entry: Entry

    @property
    def status_nb(self) -> str:
        return STATUS_NB.get(self.status, self.status)


@dataclass(frozen=True)
class Event:
    """One line of a procedure's history: a decision that adopted or repealed it."""

    action: str                     # "adopted" | "repealed"
    version: str | None
    decision: DecisionRef
    valid_from: str | None
    valid_until: str | None         # when the next event took over (its start date), if any


@dataclass
class Lifecycle:
    id: str
    kind: str
    current: Entry                  # the file on this revision
    in_force: InForce | None = None
    upcoming: InForce | None = None  # adopted, with a start date after today
    pending: Pending | None = None
    repealed: DecisionRef | None = None   # set when the procedure is repealed (by this decision, if known)
    history: list = field(default_factory=list)  # Event, oldest first

    @property
    def state(self) -> str:
        """in-force | repealed | not-in-force (nothing adopted yet)."""
        if self.repealed is not None or self.current.data.get("status") == "repealed":
            return "repealed"
        return "in-force" if self.in_force else "not-in-force"


# -- decisions ------------------------------------------------------------------------------

def _decision_ref(entry: Entry) -> DecisionRef:
    data = entry.data

    def text(key):
        value = data.get(key)
        return value if isinstance(value, str) else None
    return DecisionRef(entry.id, text("case_number"), text("meeting_date"), text("title"), text("body"), entry.file)


def _events(repo: Repository) -> dict:
    """procedure id -> [(sort key, action, version, DecisionRef)], oldest first."""
    out: dict = {}
    for entry in repo.of("decision"):
        ref = _decision_ref(entry)
        key = (ref.meeting_date or "", ref.id)
        for item in entry.data.get("adopts") or []:
            if isinstance(item, dict) and isinstance(item.get("procedure"), str):
                out.setdefault(item["procedure"], []).append((key, "adopted", item.get("version"), ref))
        for pid in entry.data.get("repeals") or []:
            if isinstance(pid, str):
                out.setdefault(pid, []).append((key, "repealed", None, ref))
    for events in out.values():
        events.sort(key=lambda e: (e[0], e[1] == "repealed"))
    return out


# -- git ------------------------------------------------------------------------------------

class _Git:
    """The few git questions the lifecycle asks, answered once each."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.ok = self._usable()
        self._added: dict | None = None
        self._repos: dict = {}
        self._history: dict = {}

    def _usable(self) -> bool:
        try:
            result = git(self.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
        except GitError:
            return False
        return result.returncode == 0

    def added(self, path: str) -> str | None:
        """The first commit (in HEAD's history) that holds `path`, for decision records."""
        if self._added is None:
            self._added = {}
            try:
                out = git(self.root, "log", "--diff-filter=A", "--format=%x00%H", "--name-only", "HEAD", "--",
                          "procedures/decisions/", check=False).stdout.decode("utf-8", "surrogateescape")
            except GitError:
                out = ""
            for block in out.split("\0"):
                lines = [line for line in block.splitlines() if line.strip()]
                if not lines:
                    continue
                commit, files = lines[0], lines[1:]
                for name in files:
                    self._added[name] = commit  # log is newest first: the last write is the first add
        return self._added.get(path)

    def history(self, path: str) -> list[str]:
        if path not in self._history:
            try:
                out = git(self.root, "log", "--format=%H", "HEAD", "--", path, check=False).stdout.decode()
            except GitError:
                out = ""
            self._history[path] = out.split()
        return self._history[path]

    def read(self, commit: str, path: str) -> dict | None:
        try:
            result = git(self.root, "cat-file", "blob", f"{commit}:{path}", check=False)
        except GitError:
            return None
        if result.returncode != 0:
            return None
        doc = load_bytes(path, result.stdout)
        return doc.data if isinstance(doc.data, dict) and not doc.findings else None

    def repository(self, commit: str) -> Repository | None:
        if commit not in self._repos:
            try:
                self._repos[commit] = load_at(self.root, commit, commit[:7]).repo
            except GitError:
                self._repos[commit] = None
        return self._repos[commit]


def _matches(data: dict | None, version: str, did: str | None) -> bool:
    if not data or data.get("version") != version:
        return False
    return did is None or (data.get("status") == "adopted" and data.get("decision") == did)


def _adopted_text(current: Entry, version: str, ref: DecisionRef, g: _Git) -> InForce:
    path = f"procedures/{FOLDER[current.kind]}/{current.id}.yaml"
    commits = []
    if g.ok:
        first = g.added(ref.file)
        commits = list(dict.fromkeys(([first] if first else []) + g.history(path)))
    # 1. git, where this decision adopted it; 2. the working tree, when it is exactly that
    # (the record is not committed yet, or there is no git); 3. git, any commit with that version
    found = _from_git(current, version, ref, g, commits, ref.id)
    if found is not None:
        return found
    if _matches(current.data, version, ref.id):
        return InForce(version, ref, _text(current.data.get("effective")), current, None, "working-tree")
    found = _from_git(current, version, ref, g, commits, None)
    return found or InForce(version, ref, None, None, None, "missing")


def _from_git(current: Entry, version: str, ref: DecisionRef, g: _Git, commits: list, did) -> InForce | None:
    path = f"procedures/{FOLDER[current.kind]}/{current.id}.yaml"
    for commit in commits:
        if _matches(g.read(commit, path), version, did):
            repo = g.repository(commit)
            entry = repo.index(current.kind).get(current.id) if repo else None
            if entry is not None and entry.valid:
                return InForce(version, ref, _text(entry.data.get("effective")), entry, commit, "git", repo)
    return None


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


# -- the answer -----------------------------------------------------------------------------

def lifecycles(repo: Repository, root: Path | None = None,
               today: datetime.date | None = None) -> dict[str, Lifecycle]:
    """Per procedure id (chains and routines of `repo`): in force, upcoming, pending, history."""
    today = today or datetime.date.today()
    g = _Git(Path(root) if root is not None else Path(repo.root))
    events = _events(repo)
    out: dict[str, Lifecycle] = {}
    for current in sorted((e for e in repo.entries if e.kind in PROCEDURE_KINDS and e.valid and e.id),
                          key=lambda e: (PROCEDURE_KINDS.index(e.kind), e.id)):
        lc = Lifecycle(current.id, current.kind, current)
        adopted: list[InForce] = []
        timeline = []
        for _, action, version, ref in events.get(current.id, []):
            if action == "adopted" and isinstance(version, str):
                version_in_force = _adopted_text(current, version, ref, g)
                adopted.append(version_in_force)
                timeline.append(("adopted", version, ref, version_in_force.valid_from or ref.meeting_date))
                lc.repealed = None
            elif action == "repealed":
                timeline.append(("repealed", None, ref, ref.meeting_date))
                lc.repealed = ref
        for i, (action, version, ref, start) in enumerate(timeline):
            until = timeline[i + 1][3] if i + 1 < len(timeline) else None
            lc.history.append(Event(action, version, ref, start, until))
        if lc.repealed is None and timeline:
            # the last adoption whose start date has come is in force; a later one is upcoming
            for item in reversed(adopted):
                start = parse_date(item.valid_from) or parse_date(item.decision.meeting_date)
                if start is None or start <= today:
                    lc.in_force = item
                    break
                if lc.upcoming is None:
                    lc.upcoming = item
        status = current.data.get("status")
        if status == "repealed" and lc.repealed is None:
            lc.in_force = None  # repealed without a recorded decision: nothing is in force
        if status in ("draft", "submitted"):
            known = {a.version for a in adopted}
            if current.data.get("version") not in known or lc.in_force is None:
                lc.pending = Pending(_text(current.data.get("version")), status, current)
        out[current.id] = lc
    return out


__all__ = ["Lifecycle", "InForce", "Pending", "Event", "DecisionRef", "lifecycles"]
