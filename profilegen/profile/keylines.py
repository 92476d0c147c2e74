"""Where a key sits in an XML property list: the line of its ``<key>`` element.

The reader already knows the line of every element (read.parse_xml). This module pairs each
dictionary and array that plistlib decoded with the element it came from, so that a finding's
key path (``IdPSettings.TenantID``, ``PayloadContent[0].PayloadUUID``) turns into a line. Paths
are resolved against real objects, which is why a preference domain with dots in its name
(``PayloadContent.com.jamf.connect.login.Forced``) needs no escaping: the longest key that the
dictionary really holds wins.

Binary and signed files get no index: a binary plist has no lines, and the lines of the XML
inside a signature are not lines of the file on disk.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class KeyLines:
    """Lines by object identity. The objects are those of the Document that owns this index,
    which keeps them alive, so an id is never reused while the index is in use."""

    keys: dict[int, dict[str, int]] = field(default_factory=dict)  # id(dict) -> key -> line of <key>
    items: dict[int, list[int]] = field(default_factory=dict)  # id(list) -> line of each item
    starts: dict[int, int] = field(default_factory=dict)  # id(dict or list) -> line of <dict>/<array>

    def alias(self, copy: Mapping[str, Any], original: Any) -> None:
        """``copy`` holds a subset of ``original``'s keys (the direct payload style drops the
        Payload* keys): give it the original's lines."""
        if id(original) in self.keys:
            self.keys[id(copy)] = self.keys[id(original)]
            self.starts[id(copy)] = self.starts[id(original)]

    def line_of(self, base: Any, path: str | None) -> int | None:
        """Line of the ``<key>`` (or array item) that ``path`` names inside ``base``.

        A key that is missing (a rule asks for it to be added) gets the line of its nearest
        existing parent: the dictionary where it belongs.
        """
        if not path:
            return None
        line = self.starts.get(id(base))
        obj, rest = base, path
        while rest:
            if rest.startswith("["):
                match = _INDEX.match(rest)
                lines = self.items.get(id(obj))
                if match is None or lines is None or not isinstance(obj, list):
                    break
                i = int(match.group(1))
                if i >= len(obj) or i >= len(lines):
                    break
                line, obj, rest = lines[i], obj[i], rest[match.end():].removeprefix(".")
                continue
            keymap = self.keys.get(id(obj))
            name = _longest_key(obj, rest) if keymap is not None else None
            if keymap is None or name is None:
                break
            line = keymap.get(name, line)
            obj, rest = obj[name], rest[len(name):].removeprefix(".")
        return line


def _longest_key(obj: Mapping[str, Any], rest: str) -> str | None:
    """The longest key of ``obj`` that ``rest`` starts with, followed by '.', '[' or the end."""
    cuts = [i for i, c in enumerate(rest) if c in ".["] + [len(rest)]
    for cut in reversed(cuts):
        if rest[:cut] in obj:
            return rest[:cut]
    return None


def index_lines(root: ET.Element, lines: Mapping[int, int], value: Any) -> KeyLines:
    """Index the decoded ``value`` of the ``<plist>`` element ``root`` (from read.parse_xml)."""
    index = KeyLines()
    top = next(iter(root), None)
    if top is None:
        return index
    stack: list[tuple[ET.Element, Any]] = [(top, value)]
    while stack:
        element, obj = stack.pop()
        here = lines.get(id(element))
        if element.tag == "dict" and isinstance(obj, dict):
            keymap: dict[str, int] = {}
            elements: dict[str, ET.Element] = {}
            children = list(element)
            for key_el, value_el in zip(children[::2], children[1::2]):
                # Duplicate keys (PG104): plistlib keeps the last value, and so does this loop.
                name = key_el.text or ""
                keymap[name] = lines.get(id(key_el), here or 0)
                elements[name] = value_el
            stack.extend((value_el, obj[name]) for name, value_el in elements.items() if name in obj)
            index.keys[id(obj)] = keymap
        elif element.tag == "array" and isinstance(obj, list):
            children = list(element)
            index.items[id(obj)] = [lines.get(id(c), here or 0) for c in children]
            stack.extend(zip(children, obj))
        else:
            continue
        if here is not None:
            index.starts[id(obj)] = here
    return index
