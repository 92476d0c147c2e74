"""Read any profile safely: XML or binary plist, CMS-signed, full profile or bare preferences.

XML is parsed with expat under our own handlers: entity declarations abort the parse (so
XXE and "billion laughs" are reported, never expanded), nothing is fetched, nesting depth is
bounded. The element tree then goes through the plist XSD, and only a structurally valid
document is handed to plistlib.
"""

from __future__ import annotations

import plistlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from functools import cache
from pyexpat import ExpatError, ParserCreate
from pyexpat import errors as expat_errors
from typing import Any, NoReturn

from profilegen.catalog import Component
from profilegen.profile.fastread import UNSURE, StartTags, Tree, fast_read
from profilegen.profile.keylines import KeyLines, TreeLines, index_lines
from profilegen.profile.shapes import Settings, find_settings
from profilegen.profile.structure import certainly_valid
from profilegen.rules import finding
from profilegen.rules.findings import Finding, Severity

MAX_BYTES = 4 << 20
MAX_DEPTH = 100
MAX_OBJECTS = 200_000
MAX_XSD_ERRORS = 5


@dataclass(frozen=True)
class Document:
    """A readable property list and the Jamf Connect settings found in it."""

    name: str
    encoding: str  # "xml" or "binary"
    data: Any
    is_profile: bool
    settings: list[Settings] = field(default_factory=list)
    signer: str | None = None
    lines: KeyLines | None = None  # unsigned XML only: where each key is in the file
    # Read by the fast path (fastread.py): certainly clean XML, parsed once, no line map yet.
    fast: bool = False
    # The fast path's element tree, from which with_lines builds the line map when a finding
    # needs one, without parsing the file again (issue 21).
    tree: Tree | None = field(default=None, repr=False, compare=False)


class _Stop(Exception):
    def __init__(self, finding_: Finding) -> None:
        self.finding = finding_


def read_document(
    data: bytes, name: str, *, domain: Component | None = None, trust: Any = None, careful: bool = False
) -> tuple[Document | None, list[Finding]]:
    """Decode ``data``; never raises for bad input. Returns (document or None, findings).
    A signature is verified; ``trust`` (signing.trust.Trust, from --ca-file) adds the chain check.
    ``careful`` skips the fast path for XML (fastread.py)."""
    try:
        return _read(data, name, domain, trust, careful)
    except _Stop as stop:
        return None, [stop.finding]
    except RecursionError:
        return None, [finding("PG107", None, "nesting deeper than Python can follow; not read further")]


def too_large(size: int | None) -> Finding:
    """PG105 for a file over MAX_BYTES: its real size when known (None: a stream cut at the limit)."""
    amount = f"{size:,} bytes is" if size is not None else "the input is"
    return finding("PG105", None, f"{amount} over the {MAX_BYTES >> 20} MiB ({MAX_BYTES:,} bytes) limit; not read")


def _read(data: bytes, name: str, domain: Component | None, trust: Any, careful: bool) -> tuple[Document | None, list[Finding]]:
    if len(data) > MAX_BYTES:
        raise _Stop(too_large(len(data)))
    findings: list[Finding] = []
    signer = None
    tree: tuple[ET.Element, dict[int, int]] | None = None
    if data.lstrip()[:11] == b"-----BEGIN ":
        data = _unarmor(data)
    if data[:1] == b"\x30":
        data, signer, more = _unwrap_cms(data, trust)
        findings.extend(more)
    if data.startswith(b"bplist00"):
        encoding = "binary"
        try:
            value = plistlib.loads(data, fmt=plistlib.FMT_BINARY)
        except RecursionError:
            raise
        except Exception as exc:  # noqa: BLE001 - plistlib raises many types on corrupt input
            raise _Stop(finding("PG106", None, f"corrupt binary plist ({type(exc).__name__}); re-export it")) from None
    else:
        encoding = "xml"
        value, root = (UNSURE, None) if careful else fast_read(data, MAX_DEPTH)
        if value is not UNSURE:
            return _document(value, name, encoding, domain, signer, findings, fast=True, root=root)
        tree = parse_xml(data)
        xml_findings = check_tree(*tree)  # a broken signature (PG111) does not stop the content check
        findings.extend(xml_findings)
        if any(f.severity is Severity.ERROR for f in xml_findings):
            return None, findings
        try:
            value = plistlib.loads(data, fmt=plistlib.FMT_XML)
        except Exception as exc:  # noqa: BLE001
            raise _Stop(finding("PG106", None, f"plist values cannot be decoded ({exc}); fix the value")) from None
    return _document(value, name, encoding, domain, signer, findings, tree=tree)


def read_value(value: Any, name: str, *, domain: Component | None = None) -> tuple[Document | None, list[Finding]]:
    """read_document for a value already parsed (and proved by the renderer to be what was
    meant): the same checks from the object count on, without parsing the XML again."""
    try:
        return _document(value, name, "xml", domain, None, [])
    except _Stop as stop:
        return None, [stop.finding]
    except RecursionError:
        return None, [finding("PG107", None, "nesting deeper than Python can follow; not read further")]


def _document(
    value: Any,
    name: str,
    encoding: str,
    domain: Component | None,
    signer: str | None,
    findings: list[Finding],
    *,
    fast: bool = False,
    tree: tuple[ET.Element, dict[int, int]] | None = None,
    root: Tree | None = None,
) -> tuple[Document | None, list[Finding]]:
    if root is None or root.objects > MAX_OBJECTS:  # the fast path counted them as it read
        _count_objects(value)
    if not isinstance(value, dict):
        raise _Stop(finding("PG106", None, f"the top level is {type(value).__name__}, not a dictionary; this is no profile"))
    is_profile = value.get("PayloadType") == "Configuration" or isinstance(value.get("PayloadContent"), list)
    settings, more = find_settings(value, name, is_profile=is_profile, domain=domain)
    findings.extend(more)
    lines = _line_map(tree, value, settings) if tree is not None and signer is None else None
    return Document(name, encoding, value, is_profile, settings, signer, lines, fast, root if signer is None else None), findings


def _line_map(tree: tuple[ET.Element, dict[int, int]] | KeyLines, value: Any, settings: list[Settings]) -> KeyLines:
    lines = tree if isinstance(tree, KeyLines) else index_lines(*tree, value)
    for s in settings:
        if s.style == "direct":  # a copy of the payload without its Payload* keys
            lines.alias(s.data, value["PayloadContent"][int(s.where.split("[")[1].rstrip("]"))])
    return lines


def with_lines(doc: Document, data: bytes) -> Document:
    """A fast-read document (unsigned XML) with the line map the careful path would have built:
    the fast path's own element tree, each element paired with its start tag in ``data``
    (fastread.StartTags), a line counted only for the keys findings name (keylines.TreeLines),
    and the values already read (they are plistlib's, so the answers are the same). Nothing is
    parsed again; our expat walk only if the pairing fails."""
    if not doc.fast or doc.signer is not None or doc.lines is not None:
        return doc
    tags = StartTags.pair(data, doc.tree.root) if doc.tree is not None else None
    tree: tuple[ET.Element, dict[int, int]] | KeyLines
    if tags is not None and doc.tree is not None:
        tree = TreeLines(doc.tree.containers, tags.line)
    else:
        try:
            tree = parse_xml(data)
        except _Stop:  # cannot happen for a document the fast path accepted; keep it without lines
            return doc
    return replace(doc, lines=_line_map(tree, doc.data, doc.settings), tree=None)


def _count_objects(value: Any) -> None:
    """Refuse object graphs that are huge once shared references are followed (binary plists),
    or deeper than the rules may walk recursively."""
    budget = MAX_OBJECTS
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise _Stop(finding("PG105", None, f"more than {MAX_OBJECTS} objects; not read further"))
        if depth > MAX_DEPTH:
            raise _Stop(finding("PG107", None, f"nesting deeper than {MAX_DEPTH} levels"))
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _unarmor(data: bytes) -> bytes:
    """DER bytes of a PEM-armoured CMS/PKCS#7 file (openssl cms -outform PEM)."""
    from asn1crypto import pem

    try:
        kind, _, der = pem.unarmor(data.strip())
    except Exception as exc:  # noqa: BLE001
        raise _Stop(finding("PG106", None, f"unreadable PEM ({exc}); re-export the signed profile")) from None
    if kind not in ("CMS", "PKCS7"):
        raise _Stop(finding("PG106", None, f"a PEM {kind} block, not a signed profile"))
    return bytes(der)


def _unwrap_cms(data: bytes, trust: Any) -> tuple[bytes, str, list[Finding]]:
    """The encapsulated content, signer subject and signature findings of a DER CMS SignedData."""
    from profilegen.signing.check import check_signature
    from profilegen.signing.cms import CmsError, parse

    try:
        signed = parse(data)
    except CmsError as exc:
        raise _Stop(finding("PG106", None, f"{exc}; re-export the signed profile")) from None
    return signed.content, *check_signature(signed, trust)


class _Entity(Exception):
    pass


class _TooDeep(Exception):
    pass


def parse_xml(data: bytes) -> tuple[ET.Element, dict[int, int]]:
    """Element tree plus a map from id(element) to its line. Raises _Stop on any problem."""
    parser = ParserCreate()
    stack: list[ET.Element] = []
    lines: dict[int, int] = {}
    roots: list[ET.Element] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _TooDeep()
        element = ET.Element(tag, attrs)
        lines[id(element)] = parser.CurrentLineNumber
        (stack[-1].append(element) if stack else roots.append(element))
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(chunk: str) -> None:
        if not stack:
            return
        element = stack[-1]
        if len(element):
            element[-1].tail = (element[-1].tail or "") + chunk
        else:
            element.text = (element.text or "") + chunk

    def entity(*_: Any) -> NoReturn:
        raise _Entity()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = entity
    # A reference to an entity declared in an external DTD that is never read: expat would skip it
    # silently and the value would lose text. Report it like a declaration.
    parser.SkippedEntityHandler = entity

    def where() -> str:
        return f"line {parser.CurrentLineNumber}, column {parser.CurrentColumnNumber + 1}"

    try:
        parser.Parse(data, True)
    except _Entity:
        raise _Stop(finding("PG102", None, f"DTD entity declaration or reference at {where()}; entities are never expanded or fetched, remove them")) from None
    except _TooDeep:
        raise _Stop(finding("PG107", None, f"nesting deeper than {MAX_DEPTH} levels at {where()}")) from None
    except (LookupError, UnicodeError, ValueError) as exc:
        # e.g. <?xml encoding="UF-8"?>: expat cannot decode the document at all.
        raise _Stop(finding("PG101", None, f"not readable XML: {exc}; save the file as UTF-8")) from None
    except ExpatError as exc:
        reason = expat_errors.messages.get(exc.code, str(exc)) if exc.code else str(exc)
        raise _Stop(finding("PG101", None, f"not well-formed XML: {reason} at line {exc.lineno}, column {exc.offset + 1}")) from None
    return roots[0], lines


@cache
def plist_schema() -> Any:
    from importlib import resources

    import xmlschema

    xsd = resources.files("profilegen.profile").joinpath("plist.xsd")
    with resources.as_file(xsd) as path:
        return xmlschema.XMLSchema(str(path))


def check_xml(data: bytes) -> list[Finding]:
    """Well-formedness, entity safety, plist XSD and duplicate keys, with line numbers."""
    return check_tree(*parse_xml(data))


def check_tree(root: ET.Element, lines: dict[int, int]) -> list[Finding]:
    """Plist XSD and duplicate keys of a parsed document (parse_xml), with line numbers."""
    out = []
    errors = () if certainly_valid(root) else plist_schema().iter_errors(root)
    for n, err in enumerate(errors):
        if n == MAX_XSD_ERRORS:
            break
        line = lines.get(id(err.elem)) if err.elem is not None else None
        out.append(finding("PG103", None, f"{err.reason or err.message} (at {err.path})", line=line))
    for dict_el in root.iter("dict"):
        seen: set[str] = set()
        for child in dict_el:
            if child.tag == "key":
                key = child.text or ""
                if key in seen:
                    out.append(finding("PG104", key, f"key {key!r} appears twice in one dictionary; keep one", line=lines.get(id(child))))
                seen.add(key)
    return out
