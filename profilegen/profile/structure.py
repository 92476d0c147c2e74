"""A fast, conservative check of Apple's plist grammar over an element tree.

It answers only "certainly valid": every document it accepts is also valid against
profile/plist.xsd (a property test holds it to that). Anything it is unsure about goes to
xmlschema, which gives the authoritative verdict and the diagnosis. This keeps validate's cost
near plistlib's for the common, valid case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

WS = "[ \t\n\r]*"
# The XSD's lexical patterns, with XML Schema's \s spelled out (Python's \s is wider).
PATTERNS = {
    "integer": re.compile(f"{WS}[+\\-]?(0[xX][0-9a-fA-F]+|[0-9]+){WS}"),
    "real": re.compile(f"{WS}[+\\-]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+\\-]?[0-9]+)?|[Ii]nf|[Ii]nfinity|[Nn]a[Nn]){WS}"),
    "date": re.compile(f"{WS}[0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}}(T[0-9]{{2}}(:[0-9]{{2}}(:[0-9]{{2}})?)?)?)?)?Z{WS}"),
    "data": re.compile("[A-Za-z0-9+/= \t\n\r]*"),
}
VALUES = {"array", "dict", "string", "data", "date", "integer", "real", "true", "false"}
BLANK = re.compile(WS)


def _blank(text: str | None) -> bool:
    return text is None or BLANK.fullmatch(text) is not None


def certainly_valid(root: ET.Element) -> bool:
    if root.tag != "plist" or set(root.attrib) - {"version"} or root.attrib.get("version", "1.0") != "1.0":
        return False
    if len(root) != 1 or not _blank(root.text) or not _blank(root[0].tail):
        return False
    stack = [root[0]]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag not in VALUES or el.attrib:
            return False
        children = list(el)
        if tag in ("dict", "array"):
            if not _blank(el.text) or any(not _blank(c.tail) for c in children):
                return False
            if tag == "dict":
                if len(children) % 2:
                    return False
                for key, value in zip(children[::2], children[1::2]):
                    if key.tag != "key" or key.attrib or len(key) or value.tag not in VALUES:
                        return False
                    stack.append(value)
            else:
                for child in children:
                    if child.tag not in VALUES:
                        return False
                    stack.append(child)
        elif children:
            return False
        elif tag in ("true", "false"):
            if el.text:
                return False
        elif tag in PATTERNS and PATTERNS[tag].fullmatch(el.text or "") is None:
            return False
    return True
