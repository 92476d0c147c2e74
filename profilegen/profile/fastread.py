"""The fast path for XML plists: parse once, with the C ElementTree parser, when that is certain
to give what the careful path (read.py: our expat walk, the plist grammar, then plistlib)
would give.

A cheap scan first proves the bytes are plain: ASCII-compatible, declared UTF-8 or undeclared,
no DTD beyond Apple's one-line DOCTYPE, no entity reference but the five predefined ones and
character references, no comments, CDATA sections, processing instructions or namespace
declarations. Then the tree must be certainly valid (structure.certainly_valid), no deeper than
the careful path allows and free of duplicate keys, and every value must convert exactly as
plistlib converts it. Whatever fails any of that returns UNSURE, and the careful path reads the
file and words its findings, with their line numbers, as it always has.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

from profilegen.profile.structure import certainly_valid

UNSURE: Any = object()

# The XML declaration, if any: version 1.0, encoding UTF-8 or none, nothing else before <.
PROLOGUE = re.compile(
    rb"""(?:\xef\xbb\xbf)?(?:<\?xml[ \t\r\n]+version=(["'])1\.0\1(?:[ \t\r\n]+encoding=(["'])[Uu][Tt][Ff]-8\2)?"""
    rb"""(?:[ \t\r\n]+standalone=(["'])(?:yes|no)\3)?[ \t\r\n]*\?>)?[ \t\r\n]*"""
)
# Apple's DOCTYPE, without an internal subset (no "[": no declarations can hide in it).
DOCTYPE = re.compile(rb"""<!DOCTYPE[ \t\r\n]+plist[ \t\r\n]+PUBLIC[ \t\r\n]+"[^"\[\]<>]*"[ \t\r\n]+"[^"\[\]<>]*"[ \t\r\n]*>[ \t\r\n]*""")
# Anything the fast path leaves to the careful one: other markup declarations, comments and
# CDATA ("<!"), processing instructions ("<?"), entity references beyond the predefined five
# and character references, namespace declarations, NUL (UTF-16/32 text).
UNPLAIN = re.compile(rb"<[!?]|&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)|xmlns|\x00")
# plistlib's own date pattern (Lib/plistlib.py, _dateParser): match, not fullmatch, as there.
DATE = re.compile(
    r"(?P<year>\d\d\d\d)(?:-(?P<month>\d\d)(?:-(?P<day>\d\d)(?:T(?P<hour>\d\d)(?::(?P<minute>\d\d)(?::(?P<second>\d\d))?)?)?)?)?Z",
    re.ASCII,
)


class _Unsure(Exception):
    pass


def fast_value(data: bytes, max_depth: int) -> Any:
    """The plist value of ``data``, or UNSURE when only the careful path may answer."""
    start = PROLOGUE.match(data)
    pos = start.end() if start else 0
    doctype = DOCTYPE.match(data, pos)
    if doctype:
        pos = doctype.end()
    if UNPLAIN.search(data, pos) or data[pos : pos + 6] != b"<plist":
        return UNSURE
    try:
        root = ET.fromstring(data)
    except Exception:  # noqa: BLE001 - any doubt goes to the careful path, which words it
        return UNSURE
    if not certainly_valid(root):
        return UNSURE
    try:
        return _value(root[0], 2, max_depth)
    except (_Unsure, ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        return UNSURE


def _value(el: ET.Element, depth: int, max_depth: int) -> Any:
    """plistlib's conversion of one element (Lib/plistlib.py, _PlistParser.end_*)."""
    tag = el.tag
    if tag == "string":
        return el.text or ""
    if tag == "dict":
        if depth >= max_depth - 1:
            raise _Unsure
        out: dict[str, Any] = {}
        children = list(el)
        for key_el, value_el in zip(children[::2], children[1::2]):
            key = key_el.text or ""
            if key in out:
                raise _Unsure  # PG104 and its line come from the careful path
            out[key] = _value(value_el, depth + 1, max_depth)
        return out
    if tag == "array":
        if depth >= max_depth - 1:
            raise _Unsure
        return [_value(child, depth + 1, max_depth) for child in el]
    if tag == "true":
        return True
    if tag == "false":
        return False
    raw = el.text or ""
    if tag == "integer":
        return int(raw, 16) if raw.startswith(("0x", "0X")) else int(raw)
    if tag == "real":
        return float(raw)
    if tag == "data":
        return binascii.a2b_base64(raw.encode("utf-8"))
    if tag == "date":
        found = DATE.match(raw)
        if found is None:
            raise _Unsure
        parts: list[int] = []
        for name in ("year", "month", "day", "hour", "minute", "second"):
            if found[name] is None:
                break
            parts.append(int(found[name]))
        return dt.datetime(*parts)  # type: ignore[arg-type]
    raise _Unsure
