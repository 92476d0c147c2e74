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
from bisect import bisect_right
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
    return fast_read(data, max_depth)[0]


def fast_read(data: bytes, max_depth: int) -> tuple[Any, ET.Element | None]:
    """``(value, <plist> element)`` of ``data``, or ``(UNSURE, None)``. The element tree is what
    start_lines pairs with the file's lines, should a finding need them."""
    start = PROLOGUE.match(data)
    pos = start.end() if start else 0
    doctype = DOCTYPE.match(data, pos)
    if doctype:
        pos = doctype.end()
    if UNPLAIN.search(data, pos) or data[pos : pos + 6] != b"<plist":
        return UNSURE, None
    try:
        root = ET.fromstring(data)
    except Exception:  # noqa: BLE001 - any doubt goes to the careful path, which words it
        return UNSURE, None
    if not certainly_valid(root):
        return UNSURE, None
    try:
        return _value(root[0], 2, max_depth), root
    except (_Unsure, ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        return UNSURE, None


# A start tag. In bytes the fast path accepted (no comments, CDATA, processing instructions or
# declarations after the DOCTYPE, "<" in text always escaped) every "<" that is not "</", "<!"
# or "<?" opens an element, so the n-th match is the n-th element in document order.
_START = re.compile(rb"<([^/!?][^\s/>]*)")
# Where a line ends, as expat counts lines (XML 1.0 §2.11): CR LF, CR and LF each end one line.
_LINE_END = re.compile(rb"\r\n?|\n")


def start_lines(data: bytes, root: ET.Element) -> dict[int, int] | None:
    """id(element) -> line of its start tag, the line read.parse_xml (expat) gives it; None if
    the start tags in ``data`` and the elements of ``root`` do not pair up one to one."""
    elements = list(root.iter())
    tags = _START.findall(data)
    if len(tags) != len(elements) or any(t != e.tag.encode() for t, e in zip(tags, elements)):
        return None
    ends = [m.end() for m in _LINE_END.finditer(data)]
    return {id(e): bisect_right(ends, m.start()) + 1 for e, m in zip(elements, _START.finditer(data))}


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
