"""Jinja2 rendering of profiles and preference plists.

One filter, ``plist``, serialises any Python value to plist XML. Every rendered document is
parsed back with plistlib and compared with the data it was meant to hold; a mismatch is a
bug in profilegen and is never written.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import plistlib
import re
from functools import cache
from pathlib import Path
from typing import Any

from profilegen.core.errors import InputError, RenderMismatchError
from profilegen.profile.fastread import UNSURE, fast_value

INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
INT_MIN, INT_MAX = -(2**63), 2**64 - 1
PARSE_BACK_DEPTH = 100  # deeper documents are parsed back by plistlib itself


def escape_text(text: str) -> str:
    if INVALID_XML_CHARS.search(text):
        raise InputError(f"{text[:40]!r}...: control characters cannot be stored in a plist string")
    # \r is written as a character reference: XML parsers turn a literal CR into LF.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def plist_xml(value: Any, level: int = 0) -> str:
    """Plist XML for ``value``; nested lines are indented with tabs below ``level``."""
    pad = "\t" * (level + 1)
    end = "\t" * level
    if isinstance(value, bool):
        return "<true/>" if value else "<false/>"
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise InputError(f"{value}: integer out of the plist range")
        return f"<integer>{value}</integer>"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{value}: plist reals must be finite")
        return f"<real>{value!r}</real>"
    if isinstance(value, str):
        return f"<string>{escape_text(value)}</string>"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return f"<date>{value.strftime('%Y-%m-%dT%H:%M:%SZ')}</date>"
    if isinstance(value, (bytes, bytearray)):
        encoded = base64.b64encode(bytes(value)).decode("ascii")
        lines = [encoded[i : i + 68] for i in range(0, len(encoded), 68)] or [""]
        return "<data>\n" + "".join(f"{end}{line}\n" for line in lines) + f"{end}</data>"
    if isinstance(value, dict):
        if not value:
            return "<dict/>"
        parts = []
        for key in sorted(value):
            if not isinstance(key, str):
                raise InputError(f"{key!r}: plist dictionary keys must be strings")
            parts.append(f"{pad}<key>{escape_text(key)}</key>\n{pad}{plist_xml(value[key], level + 1)}\n")
        return "<dict>\n" + "".join(parts) + f"{end}</dict>"
    if isinstance(value, (list, tuple)):
        if not value:
            return "<array/>"
        return "<array>\n" + "".join(f"{pad}{plist_xml(v, level + 1)}\n" for v in value) + f"{end}</array>"
    raise InputError(f"{value!r}: {type(value).__name__} has no plist equivalent")


def templates_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    # In a wheel the templates are packaged as profilegen/templates; in a source checkout
    # (editable install, tests) they sit at the top level, as the project layout asks.
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError("profilegen templates not found; reinstall the package")


@cache
def environment() -> Any:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plist"] = lambda value, level=0: Markup(plist_xml(value, level))
    return env


def _normalise(value: Any) -> Any:
    """What plistlib gives back for ``value``: tuples become lists, datetimes lose tz/µs."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def render(template: str, expected: Any, **context: Any) -> tuple[bytes, Any]:
    """Render ``template`` and prove that the bytes parse back to ``expected``: (bytes, the
    value parsed back), so that callers can check the value without parsing it again."""
    text: str = environment().get_template(template).render(**context)
    data = text.encode("utf-8")
    try:
        # Parsed back once, by the fast path when it is sure (fastread.py: the same value as
        # plistlib's, which reads whatever it leaves).
        parsed = fast_value(data, PARSE_BACK_DEPTH)
        if parsed is UNSURE:
            parsed = plistlib.loads(data)
    except Exception as exc:  # noqa: BLE001 - any parse failure is our bug
        raise RenderMismatchError(f"{template}: rendered XML does not parse ({exc}); please report this") from None
    if parsed != _normalise(expected):
        raise RenderMismatchError(f"{template}: rendered XML does not hold the intended data; please report this")
    return data, parsed


def render_profile(profile: dict[str, Any]) -> tuple[bytes, Any]:
    return render("profile.mobileconfig.j2", profile, profile=profile)


def render_preferences(prefs: dict[str, Any], domain: str) -> tuple[bytes, Any]:
    return render("preferences.plist.j2", prefs, preferences=prefs, domain=domain)
