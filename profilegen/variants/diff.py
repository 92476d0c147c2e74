"""Semantic, key-level diff between two profiles of any shape read.py understands.

Each side is reduced to a flat view: the profile's top-level envelope keys (``PayloadIdentifier``,
``PayloadDisplayName``, ...) plus the preference keys of each Jamf Connect domain under its
component name (``login.OIDCAdmin``, ``menubar.IdPSettings.TenantID``). The inner payload's own
structure is left out on purpose, so an MCX profile and a direct profile of the same settings
compare equal. Key order, XML formatting and binary vs XML encoding never matter. Values of
keys that name a secret (catalog.check.is_secret_key, misspellings included) are never shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from profilegen.catalog.check import is_secret_key
from profilegen.core.errors import InputError
from profilegen.core.text import one_line
from profilegen.entra.facts import mask_url_credentials

if TYPE_CHECKING:
    from profilegen.profile.read import Document

PAYLOAD_IDS = frozenset({"PayloadIdentifier", "PayloadUUID"})
HIDDEN = "<hidden>"
_MISSING = object()


@dataclass(frozen=True)
class Change:
    kind: str  # "+", "-" or "~"
    path: str
    old: Any = None
    new: Any = None
    secret: bool = False

    def line(self) -> str:
        """One line, whatever the key path holds (a key name may contain a newline)."""
        return one_line(self._line())

    def _line(self) -> str:
        if self.kind == "+":
            return f"+ {self.path} = {self._show(self.new)}"
        if self.kind == "-":
            # A removed member of a list (jamf scope) names what left; a removed key does not.
            return f"- {self.path}" if self.old is None else f"- {self.path} = {self._show(self.old)}"
        return f"~ {self.path}: {self._show(self.old)} -> {self._show(self.new)}"

    def _show(self, value: Any) -> str:
        return HIDDEN if self.secret else show(value)


def show(value: Any) -> str:
    """One-line rendering of a plist value, with secrets inside containers hidden."""
    return json.dumps(_redact(value), ensure_ascii=False, sort_keys=True, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return f"<data: {len(value)} bytes, sha256 {hashlib.sha256(value).hexdigest()[:12]}>"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value)


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: HIDDEN if is_secret_key(str(k)) else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    if isinstance(value, str):
        return mask_url_credentials(value)
    return value


def view(document: Document, *, ignore_payload_ids: bool = False) -> dict[str, Any]:
    """The comparable parts of a document: envelope keys and per-domain settings."""
    out: dict[str, Any] = {}
    if document.is_profile:
        for key, value in document.data.items():
            if key == "PayloadContent" or (ignore_payload_ids and key in PAYLOAD_IDS):
                continue
            out[str(key)] = value
    for settings in document.settings:
        name = settings.component or settings.domain
        # The same domain twice in one profile: keep both, the second as login#2.
        label, n = name, 1
        while label in out:
            n += 1
            label = f"{name}#{n}"
        out[label] = dict(settings.data)
    return out


def diff_views(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    changes: list[Change] = []
    _walk(a, b, "", changes, False)
    return changes


def _walk(a: Any, b: Any, path: str, out: list[Change], secret: bool) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            sub = f"{path}.{key}" if path else str(key)
            hidden = secret or is_secret_key(str(key))
            _walk(a.get(key, _MISSING), b.get(key, _MISSING), sub, out, hidden)
    elif a is _MISSING:
        _added(b, path, out, secret)
    elif b is _MISSING:
        _removed(a, path, out)
    elif _is_container_list(a) and _is_container_list(b):
        # Arrays of dictionaries (MFARename entries, ...): compare item by item.
        for i in range(max(len(a), len(b))):
            _walk(a[i] if i < len(a) else _MISSING, b[i] if i < len(b) else _MISSING, f"{path}[{i}]", out, secret)
    elif not same(a, b):
        out.append(Change("~", path, a, b, secret))


def _added(value: Any, path: str, out: list[Change], secret: bool) -> None:
    if isinstance(value, Mapping) and value:
        for key in sorted(value, key=str):
            _added(value[key], f"{path}.{key}", out, secret or is_secret_key(str(key)))
    else:
        out.append(Change("+", path, new=value, secret=secret))


def _removed(value: Any, path: str, out: list[Change]) -> None:
    if isinstance(value, Mapping) and value:
        for key in sorted(value, key=str):
            _removed(value[key], f"{path}.{key}", out)
    else:
        out.append(Change("-", path))


def _is_container_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value)


def same(a: Any, b: Any) -> bool:
    """Equality that tells plist types apart: true is not 1, and 1 is not 1.0; and a <real>nan</real>
    equals itself (IEEE NaN != NaN would make a profile differ from its own copy)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and a != a:
        return b != b
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def read_side(data: bytes, name: str) -> Document:
    """The document in ``data``, or InputError naming the file and the reading finding."""
    from profilegen.profile.read import read_document
    from profilegen.rules.findings import Severity

    document, findings = read_document(data, name)
    if document is None:
        errors = [f for f in findings if f.severity == Severity.ERROR] or findings
        first = errors[0] if errors else None
        reason = f"{first.code} {first.message}" if first else "not a property list"
        raise InputError(f"{name}: unreadable: {reason}")
    return document


def diff_bytes(a: bytes, b: bytes, *, name_a: str, name_b: str, ignore_payload_ids: bool = False) -> list[Change]:
    """Key-level changes from ``a`` to ``b``; raises InputError if either cannot be read."""
    views: list[dict[str, Any]] = []
    problems: list[str] = []
    for data, name in ((a, name_a), (b, name_b)):
        try:
            views.append(view(read_side(data, name), ignore_payload_ids=ignore_payload_ids))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(*problems)
    return diff_views(views[0], views[1])
