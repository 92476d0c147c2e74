"""Where a key sits in an XML property list: the line of its ``<key>`` element.

The reader already knows the line of every element (read.parse_xml). This module pairs each
dictionary and array that plistlib decoded with the element it came from, so that a finding's
key path (``IdPSettings.TenantID``, ``PayloadContent[0].PayloadUUID``) turns into a line. Paths
are resolved against real objects, which is why a preference domain with dots in its name
(``PayloadContent.com.jamf.connect.login.Forced``) needs no escaping: the longest key that the
dictionary really holds wins.

Binary and signed files get no index: a binary plist has no lines, and the lines of the XML
inside a signature are not lines of the file on disk.

A file read on the fast path gets ``TreeLines`` instead: the same answers, but each line is
counted only when a finding asks for it (issue 21), since a file with findings has two or three
of them and dozens of keys.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
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
        line = self._start(base)
        obj, rest = base, path
        while rest:
            if rest.startswith("["):
                match = _INDEX.match(rest)
                lines = self._items(obj)
                if match is None or lines is None or not isinstance(obj, list):
                    break
                i = int(match.group(1))
                if i >= len(obj) or i >= len(lines):
                    break
                line, obj, rest = lines[i], obj[i], rest[match.end():].removeprefix(".")
                continue
            keymap = self._keys(obj)
            name = _longest_key(obj, rest) if keymap is not None else None
            if keymap is None or name is None:
                break
            line = keymap.get(name, line)
            obj, rest = obj[name], rest[len(name):].removeprefix(".")
        return line

    # The three look-ups line_of makes; TreeLines answers them from the element tree instead.
    def _start(self, obj: Any) -> int | None:
        return self.starts.get(id(obj))

    def _items(self, obj: Any) -> Sequence[int] | None:
        return self.items.get(id(obj))

    def _keys(self, obj: Any) -> Mapping[str, int] | None:
        return self.keys.get(id(obj))


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


class TreeLines(KeyLines):
    """KeyLines of a fast-read file, answered on demand. ``containers`` maps id() of every
    dictionary and array of the value to the element it was converted from (fastread._value),
    which is the pairing index_lines makes by walking both; ``line`` gives an element's line.
    Nothing is counted for the keys no finding names."""

    def __init__(self, containers: dict[int, ET.Element], line: Callable[[ET.Element], int]) -> None:
        super().__init__()
        self._containers = dict(containers)
        self._line = line

    def alias(self, copy: Mapping[str, Any], original: Any) -> None:
        element = self._containers.get(id(original))
        if element is not None and element.tag == "dict" and isinstance(original, dict):
            self._containers[id(copy)] = element

    def _start(self, obj: Any) -> int | None:
        element = self._containers.get(id(obj))
        return None if element is None else self._line(element)

    def _items(self, obj: Any) -> Sequence[int] | None:
        element = self._containers.get(id(obj))
        if element is None or element.tag != "array" or not isinstance(obj, list):
            return None
        return _ItemLines(list(element), self._line)

    def _keys(self, obj: Any) -> Mapping[str, int] | None:
        element = self._containers.get(id(obj))
        if element is None or element.tag != "dict" or not isinstance(obj, dict):
            return None
        return _KeyLinesOf(element, self._line)


class _ItemLines(Sequence[int]):
    """The lines of an array's items, each counted when asked."""

    def __init__(self, children: list[ET.Element], line: Callable[[ET.Element], int]) -> None:
        self._children, self._line = children, line

    def __len__(self) -> int:
        return len(self._children)

    def __getitem__(self, i: Any) -> Any:
        return self._line(self._children[i])


class _KeyLinesOf(Mapping[str, int]):
    """The lines of a dictionary's ``<key>`` elements, each counted when asked. The fast path
    accepts no duplicate key, so the one ``<key>`` of a name is the one plistlib kept."""

    def __init__(self, element: ET.Element, line: Callable[[ET.Element], int]) -> None:
        self._children, self._line = list(element), line

    def _key_element(self, name: object) -> ET.Element | None:
        return next((k for k in self._children[::2] if (k.text or "") == name), None)

    def __getitem__(self, name: str) -> int:
        element = self._key_element(name)
        if element is None:
            raise KeyError(name)
        return self._line(element)

    def __iter__(self) -> Any:
        return iter([k.text or "" for k in self._children[::2]])

    def __len__(self) -> int:
        return len(self._children) // 2
