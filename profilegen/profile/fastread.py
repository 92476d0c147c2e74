"""The fast path for XML plists: parse once, with the C ElementTree parser, when that is certain
to give what the careful path (read.py: our expat walk, the plist grammar, then plistlib)
would give.

A cheap scan first proves the bytes are plain: ASCII-compatible, declared UTF-8 or undeclared,
no DTD beyond Apple's one-line DOCTYPE, no entity reference but the five predefined ones and
character references, no comments, CDATA sections, processing instructions or namespace
declarations. Then, in one walk (issue 21), the tree must be certainly valid (the grammar
structure.certainly_valid checks, element for element), no deeper than the careful path allows
and free of duplicate keys, and every value must convert exactly as plistlib converts it. Whatever fails any of that returns UNSURE, and the careful path reads the
file and words its findings, with their line numbers, as it always has.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from profilegen.profile.structure import PATTERNS

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
# and character references, namespace declarations, NUL (UTF-16/32 text). _unplain looks for
# each with its own search, which costs half of one regex of alternatives (issue 21; the tests
# hold it to that one pattern).
_MARKUP = re.compile(rb"<[!?]")
_BAD_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)")
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
    objects: int  # how many values the file holds, nested ones included


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
    if data[pos : pos + 6] != b"<plist" or _unplain(data, pos) or _attribute(data, data.find(b">", pos) + 1):
        return UNSURE, None
    try:
        root = ET.fromstring(data)
    except Exception:  # noqa: BLE001 - any doubt goes to the careful path, which words it
        return UNSURE, None
    if root.tag != "plist" or set(root.attrib) - {"version"} or root.attrib.get("version", "1.0") != "1.0":
        return UNSURE, None
    if len(root) != 1 or not _blank(root.text) or not _blank(root[0].tail):
        return UNSURE, None
    containers: dict[int, ET.Element] = {}
    try:
        value = _value(root[0], 2, max_depth, containers)
    except (_Unsure, ValueError, TypeError, AttributeError, OverflowError, binascii.Error):
        return UNSURE, None
    # One object for the top value and one per dictionary value and array item: what
    # read._count_objects would count, known here without walking the value again.
    objects = 1 + sum(len(el) // 2 if el.tag == "dict" else len(el) for el in containers.values())
    return value, Tree(root, containers, objects)


def _unplain(data: bytes, pos: int) -> bool:
    """Whether anything at or after ``pos`` is left to the careful path (the list above)."""
    if _MARKUP.search(data, pos) or data.find(b"xmlns", pos) >= 0 or data.find(b"\x00", pos) >= 0:
        return True
    return data.find(b"&", pos) >= 0 and _BAD_REFERENCE.search(data, pos) is not None


def _attribute(data: bytes, pos: int) -> bool:
    """Whether an element starting at or after ``pos`` has an attribute, which the grammar
    allows on <plist> alone. In bytes _unplain passed, an "=" with a "<" before it and no ">"
    in between is inside a tag, where only an attribute has one (a name cannot hold "=", a "<"
    never stands in text), and every attribute has one. "=" is rare in profiles: a few look-ups
    instead of a look at every element (issue 21). Linear: after an "=" in text the search goes
    on from the next "<", so no stretch of the bytes is searched twice."""
    at = data.find(b"=", pos)
    while at >= 0:
        start = data.rfind(b"<", pos, at)
        if start >= 0 and data.find(b">", start, at) < 0:
            return True
        after = data.find(b"<", at)
        if after < 0:
            return False
        at = data.find(b"=", after)
    return False


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


def _blank(text: str | None) -> bool:
    """structure._blank without a regex: only XML's white space (Python's is wider)."""
    return text is None or not text.strip(" \t\n\r")


def _value(el: ET.Element, depth: int, max_depth: int, containers: dict[int, ET.Element]) -> Any:
    """plistlib's conversion of one element (Lib/plistlib.py, _PlistParser.end_*), in the same
    walk as the grammar check (structure.certainly_valid, element for element, attributes
    already refused by _attribute: one walk instead of two, issue 21); each dictionary and array
    is entered in ``containers`` with its element. Raises _Unsure for anything certainly_valid
    would not accept, and for what plistlib would read otherwise than this conversion (the
    careful path then reads the file)."""
    tag = el.tag
    if tag == "string":
        if len(el):
            raise _Unsure
        return el.text or ""
    if tag == "dict":
        if depth >= max_depth - 1:
            raise _Unsure
        children = list(el)
        if len(children) % 2 or not _blank(el.text):
            raise _Unsure
        out: dict[str, Any] = {}
        containers[id(out)] = el
        for key_el, value_el in zip(children[::2], children[1::2]):
            if key_el.tag != "key" or len(key_el) or not _blank(key_el.tail) or not _blank(value_el.tail):
                raise _Unsure
            key = key_el.text or ""
            if key in out:
                raise _Unsure  # PG104 and its line come from the careful path
            if value_el.tag == "string" and not len(value_el):
                out[key] = value_el.text or ""  # the commonest value, converted without a call
            else:
                out[key] = _value(value_el, depth + 1, max_depth, containers)
        return out
    if tag == "array":
        if depth >= max_depth - 1 or not _blank(el.text):
            raise _Unsure
        items = []
        for child in el:
            if not _blank(child.tail):
                raise _Unsure
            items.append(_value(child, depth + 1, max_depth, containers))
        containers[id(items)] = el
        return items
    if len(el):
        raise _Unsure
    if tag == "true" or tag == "false":
        if el.text:
            raise _Unsure
        return tag == "true"
    raw = el.text or ""
    pattern = PATTERNS.get(tag)
    if pattern is None or pattern.fullmatch(raw) is None:
        raise _Unsure
    if tag == "integer":
        return int(raw, 16) if raw.startswith(("0x", "0X")) else int(raw)
    if tag == "real":
        return float(raw)
    if tag == "data":
        return binascii.a2b_base64(raw.encode("utf-8"))
    found = DATE.match(raw)  # tag == "date", the last of PATTERNS
    if found is None:
        raise _Unsure
    parts: list[int] = []
    for name in ("year", "month", "day", "hour", "minute", "second"):
        if found[name] is None:
            break
        parts.append(int(found[name]))
    return dt.datetime(*parts)  # type: ignore[arg-type]
