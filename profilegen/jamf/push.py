"""push: find each profile by name, write only what changed, read back what Jamf Pro stored.

Re-uploading an unchanged profile redeploys it to every scoped Mac when redeploy is All
(reference §3), so an identical profile is never written. Per-profile refusals are results
(action "failed"); connection, authentication and privilege problems raise ServiceError.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from profilegen.core.errors import ServiceError
from profilegen.jamf import CREATE, PROFILES, READ, UPDATE
from profilegen.jamf.client import Session, server_text
from profilegen.jamf.compare import CHANGE_WORDS, adopt_identity, placement_changes, profile_changes
from profilegen.jamf.prepare import Prepared
from profilegen.jamf.scope import Scope, merge_scope, scope_changes
from profilegen.jamf.wire import Placement, Stored, created_id, profile_body, profile_list, stored_profile
from profilegen.variants.diff import Change


@dataclass(frozen=True)
class Result:
    file: str
    name: str
    id: int | None
    action: str  # created updated unchanged would-create would-update failed
    changes: tuple[Change, ...] = ()
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        changes = [_change_json(c) for c in self.changes]
        return {"file": self.file, "name": self.name, "id": self.id, "action": self.action, "changes": changes}


def read_stored(session: Session, profile_id: int) -> tuple[Stored, dict[str, Any] | None]:
    """Jamf Pro's copy and its parsed profile (None when Jamf Pro holds something unreadable)."""
    from profilegen.profile.read import read_document

    data = session.get_json(f"{PROFILES}/id/{profile_id}", privilege=READ)
    try:
        stored = stored_profile(data)
    except ValueError as exc:
        raise ServiceError(f"Jamf Pro: profile id {profile_id}: {exc}; is this Jamf Pro?") from None
    doc, _ = read_document(stored.payloads.encode("utf-8"), f"Jamf Pro profile {profile_id}")
    return stored, dict(doc.data) if doc is not None and doc.is_profile else None


class Pusher:
    def __init__(self, session: Session, *, dry_run: bool) -> None:
        self.session = session
        self.dry_run = dry_run
        self._index: dict[str, list[tuple[int, str]]] | None = None

    def index(self) -> dict[str, list[tuple[int, str]]]:
        """Profiles by case-folded name: Jamf Pro's names are unique only up to letter case,
        and JamfUploader matches them case-insensitively too (reference §6)."""
        if self._index is None:
            self._index = {}
            for pid, name in read_list(self.session):
                self._index.setdefault(name.casefold(), []).append((pid, name))
        return self._index

    def push_all(self, items: Sequence[Prepared]) -> Iterator[Result]:
        for item in items:
            yield self.push(item)

    def push(self, item: Prepared) -> Result:
        matches = self.index().get(item.name.casefold(), [])
        if len(matches) > 1:
            ids = ", ".join(f"id {pid} {name!r}" for pid, name in matches)
            return Result(item.file, item.name, None, "failed",
                          problem=f"{item.name!r}: Jamf Pro has {len(matches)} profiles with this name apart from letter "
                                  f"case ({ids}); rename or delete all but one")
        if not matches:
            return self._create(item)
        pid = matches[0][0]
        stored, stored_doc = read_stored(self.session, pid)
        # The whole live scope, with the options' change merged in: Jamf Pro replaces every
        # category of a sent <scope> (profilegen.jamf.scope), so all of it is sent back.
        scope = _merged(stored.scope, item.placement)
        changes = profile_changes(stored_doc, item.profile) + placement_changes(stored, item.placement, scope)
        if not changes:
            return Result(item.file, item.name, pid, "unchanged")
        if self.dry_run:
            return Result(item.file, item.name, pid, "would-update", tuple(changes))
        profile = adopt_identity(item.profile, stored_doc, stored.uuid)
        body = profile_body(name=item.name, payloads=_text(profile), placement=item.placement, create=False,
                            scope=scope if item.placement.touches_scope else None)
        answer = self.session.call("PUT", f"{PROFILES}/id/{pid}", privilege=UPDATE, body=body)
        if answer.status not in (200, 201):  # reference §2: an update answers 201
            return Result(item.file, item.name, pid, "failed", tuple(changes), self._refused(item.name, answer))
        return self._read_back(item, pid, profile, scope, "updated", tuple(changes))

    def _create(self, item: Prepared) -> Result:
        if self.dry_run:
            return Result(item.file, item.name, None, "would-create")
        # A new profile is scoped to nobody unless an option says otherwise.
        scope = _merged(Scope(), item.placement)
        body = profile_body(name=item.name, payloads=item.text(), placement=item.placement, create=True, scope=scope)
        # A create is not resent after a 502, 504 or reset: it may have happened (transport).
        answer = self.session.call("POST", f"{PROFILES}/id/0", privilege=CREATE, body=body, resend_safe=False)
        if answer.status not in (200, 201):
            return Result(item.file, item.name, None, "failed", problem=self._refused(item.name, answer))
        pid = created_id(answer.body)
        if pid is None:
            said = server_text(answer, self.session.clean, 80)
            raise ServiceError(f"{item.name!r}: Jamf Pro accepted the create (HTTP {answer.status}) but its answer holds no "
                               f"usable id ({said}): the profile was probably created; check it in Jamf Pro, then run "
                               "push again: it finds it by name")
        self.index().setdefault(item.name.casefold(), []).append((pid, item.name))
        return self._read_back(item, pid, item.profile, scope, "created", ())

    def _read_back(self, item: Prepared, pid: int, sent: Mapping[str, Any], scope: Scope, action: str,
                   changes: tuple[Change, ...]) -> Result:
        """An upload is done when what Jamf Pro stored equals what was sent, key by key: this is
        how its damage is caught rather than assumed (reference §4). Every scope category is
        compared too, so a category Jamf Pro emptied shows as a failure, not as success."""
        try:
            stored, stored_doc = read_stored(self.session, pid)
        except ServiceError as exc:
            raise ServiceError(f"{item.name!r} (id {pid}): {action}, but reading it back failed: {exc}") from None
        damage = profile_changes(sent, stored_doc) + scope_changes(scope, stored.scope)
        if damage:
            keys = ", ".join(c.path for c in damage[:5]) + (" …" if len(damage) > 5 else "")
            return Result(item.file, item.name, pid, "failed", tuple(damage),
                          f"{item.name!r} (id {pid}): {action}, but Jamf Pro stored {len(damage)} key(s) differently: {keys}")
        return Result(item.file, item.name, pid, action, changes)

    def _refused(self, name: str, answer: Any) -> str:
        said = server_text(answer, self.session.clean)
        if answer.status == 409 and "duplicate" in said.lower():
            return f"{name!r}: Jamf Pro refused it (HTTP 409: {said}): another profile has this name; rename one"
        if answer.status == 409 and "unable to update the database" in said.lower():
            return (f"{name!r}: Jamf Pro refused it (HTTP 409: {said}): its known cause is a bare & or < after Jamf Pro's "
                    "extra entity decoding (PI-827), which profilegen's wire form avoids; check the category and scope "
                    "group names exist, and look for characters its database refuses")
        if answer.status == 409:
            return f"{name!r}: Jamf Pro refused it (HTTP 409: {said}); check the category and scope group names"
        return f"{name!r}: Jamf Pro answered HTTP {answer.status} ({said})"


def _change_json(change: Change) -> dict[str, Any]:
    """One change for --format json. A scope change names the member that was added or removed
    (a group's name: never a secret); a settings change names only the key, as before."""
    out: dict[str, Any] = {"key": change.path, "change": CHANGE_WORDS[change.kind]}
    if change.path.startswith("scope.") and change.kind in "+-":
        out["member"] = change.new if change.kind == "+" else change.old
    elif change.path.startswith("scope.") and isinstance(change.new, bool):
        out["value"] = change.new
    return out


def read_list(session: Session) -> list[tuple[int, str]]:
    data = session.get_json(PROFILES, privilege=READ)  # its own errors are ServiceErrors already
    try:
        return profile_list(data)
    except ValueError as exc:
        raise ServiceError(f"Jamf Pro: GET {PROFILES}: {exc}; is this Jamf Pro?") from None


def _merged(live: Scope, placement: Placement) -> Scope:
    return merge_scope(live, all_computers=placement.all_computers, groups=placement.scope_groups,
                       exclude_groups=placement.exclude_groups)


def _text(profile: Mapping[str, Any]) -> str:
    import plistlib

    return plistlib.dumps(dict(profile), sort_keys=False).decode("utf-8")


def summary(results: Sequence[Result]) -> dict[str, int]:
    count = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    for r in results:
        key = {"would-create": "created", "would-update": "updated"}.get(r.action, r.action)
        count[key] += 1
    return count
