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
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Tree:
    """What the fast path keeps of a file for line numbers: the ``<plist>`` element and, by id(),
    the element each dictionary and array of the value was converted from."""

    root: ET.Element
    containers: dict[int, ET.Element]


def fast_value(data: bytes, max_depth: int) -> Any:
    """The plist value of ``data``, or UNSURE when only the careful path may answer."""
    return fast_read(data, max_depth)[0]


def fast_read(data: bytes, max_depth: int) -> tuple[Any, Tree | None]:
    """``(value, Tree)`` of ``data``, or ``(UNSURE, None)``. The tree is what StartTags pairs
    with the file's lines, should a finding need them."""
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
    containers: dict[int, ET.Element] = {}
    try:
        return _value(root[0], 2, max_depth, containers), Tree(root, containers)
    except (_Unsure, ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        return UNSURE, None


# A start tag. In bytes the fast path accepted (no comments, CDATA, processing instructions or
# declarations after the DOCTYPE, "<" in text always escaped) every "<" that is not "</", "<!"
# or "<?" opens an element, so the n-th match is the n-th element in document order.
_START = re.compile(rb"<([^/!?][^\s/>]*)")


class StartTags:
    """The start tags of ``data`` paired with the elements of its tree, in document order; an
    element's line (as expat counts it) is counted only when asked: a file with findings has a
    few of them and dozens of elements (issue 21)."""

    def __init__(self, data: bytes, elements: list[ET.Element], starts: list[int]) -> None:
        self._data = data
        self._order = {id(e): i for i, e in enumerate(elements)}
        self._starts = starts
        self._cr = b"\r" in data

    @classmethod
    def pair(cls, data: bytes, root: ET.Element) -> StartTags | None:
        """None if the start tags in ``data`` and the elements of ``root`` do not pair up one to
        one, tag for tag (then the caller parses again, as before the fast path)."""
        elements = list(root.iter())
        starts = [m.start() for m in _START.finditer(data)]
        if len(starts) != len(elements):
            return None
        # One comparison of all the names at once: cheaper than one per element.
        if b" ".join(_START.findall(data)) != " ".join(e.tag for e in elements).encode():
            return None
        return cls(data, elements, starts)

    def line(self, element: ET.Element) -> int:
        pos = self._starts[self._order[id(element)]]
        lf = self._data.count(b"\n", 0, pos)
        if not self._cr:
            return lf + 1
        # As expat counts lines (XML 1.0 §2.11): CR LF ends one line, a CR or an LF alone one
        # each; the "<" at pos is never inside a CR LF pair.
        return lf + self._data.count(b"\r", 0, pos) - self._data.count(b"\r\n", 0, pos) + 1


def _value(el: ET.Element, depth: int, max_depth: int, containers: dict[int, ET.Element]) -> Any:
    """plistlib's conversion of one element (Lib/plistlib.py, _PlistParser.end_*); each
    dictionary and array is entered in ``containers`` with its element."""
    tag = el.tag
    if tag == "string":
        return el.text or ""
    if tag == "dict":
        if depth >= max_depth - 1:
            raise _Unsure
        out: dict[str, Any] = {}
        containers[id(out)] = el
        children = list(el)
        for key_el, value_el in zip(children[::2], children[1::2]):
            key = key_el.text or ""
            if key in out:
                raise _Unsure  # PG104 and its line come from the careful path
            out[key] = _value(value_el, depth + 1, max_depth, containers)
        return out
    if tag == "array":
        if depth >= max_depth - 1:
            raise _Unsure
        items = [_value(child, depth + 1, max_depth, containers) for child in el]
        containers[id(items)] = el
        return items
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
