"""What a sign-in export file is before it is parsed: its encoding, CSV or JSON, its delimiter.

Admins have the portal's download (UTF-8 with a BOM, comma-separated: azure-facts section
4.3), and whatever Excel made of it: "Unicode Text" (UTF-16 LE with a BOM, tab-separated),
UTF-16 without a BOM from some scripts (PowerShell's ``Out-File`` in Windows PowerShell 5
writes UTF-16 LE), and semicolon-separated CSV where the list separator is ";" (most European
locales). Detection reads only the head of the stream, so pipes are read once:

- a byte order mark decides (UTF-8, UTF-16 LE/BE; UTF-32 is named and refused);
- without one, NUL bytes at odd offsets of the head with none at even offsets are UTF-16 LE
  (ASCII text in UTF-16 LE is "x\\0y\\0"), the mirror image UTF-16 BE; other NUL bytes are binary;
- everything else is UTF-8.
The first non-blank character decides JSON (``[`` or ``{``) or CSV.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

ACCEPTED = "accepted: sign-in log exports as CSV (comma, semicolon or tab) or JSON, in UTF-8 or UTF-16"
HEAD_LIMIT = 1 << 16
SNIFF = 512  # bytes of the head the NUL pattern is read from
CHUNK = 1 << 16
_BLANK = " \t\r\n"
_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_END = re.compile(r"\r\n|\r|\n")
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Encoding:
    label: str  # as people name it: "UTF-8 with BOM", "UTF-16 LE"
    codec: str  # the Python codec for the bytes after the BOM


@dataclass(frozen=True)
class ExportFile:
    encoding: Encoding
    fmt: str  # "json" or "csv"
    stream: IO[bytes]  # the whole file after its BOM (the head is replayed)


class NotText(ValueError):
    """The head is not text profilegen reads; the message says what was found."""


_BOMS: Sequence[tuple[bytes, str, str | None]] = (
    (codecs.BOM_UTF32_LE, "UTF-32 LE", None),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "UTF-32 BE", None),
    (codecs.BOM_UTF8, "UTF-8 with BOM", "utf-8"),
    (codecs.BOM_UTF16_LE, "UTF-16 LE", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "UTF-16 BE", "utf-16-be"),
)
_MAGIC = {b"PK\x03\x04": "a ZIP archive (the portal's download is zipped: unzip it and give the files inside)",
          b"\x1f\x8b": "gzip-compressed data (gunzip it first)"}


def detect_encoding(head: bytes) -> tuple[Encoding, int]:
    """(encoding, length of its BOM) from the first bytes of a file. Raises NotText."""
    for bom, label, codec in _BOMS:
        if head.startswith(bom):
            if codec is None:
                raise NotText(f"found {label} text")
            return Encoding(label, codec), len(bom)
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise NotText(f"found {what}")
    sample = head[:SNIFF]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if pairs and odd >= pairs // 2 and even == 0:
        return Encoding("UTF-16 LE (no BOM)", "utf-16-le"), 0
    if pairs and even >= pairs // 2 and odd == 0:
        return Encoding("UTF-16 BE (no BOM)", "utf-16-be"), 0
    if even or odd:
        raise NotText("found binary data (NUL bytes), not text")
    return Encoding("UTF-8", "utf-8"), 0


class _Prefixed(io.RawIOBase):
    """The already-read head of a stream, then the rest of it: files are opened and read once,
    so /dev/stdin and process substitution work."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_export(raw: IO[bytes]) -> ExportFile:
    """Read the head of ``raw`` and say what it is. Raises NotText."""
    head = b""
    while len(head) < HEAD_LIMIT:
        chunk = raw.read(4096)
        if not chunk:
            break
        head += chunk
        if len(head) >= SNIFF and head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            break
    encoding, bom = detect_encoding(head)
    body = head[bom:]
    text = codecs.getincrementaldecoder(encoding.codec)(errors="replace").decode(body[:4096])
    first = text.lstrip(_BLANK)[:1]
    return ExportFile(encoding, "json" if first in ("[", "{") else "csv", io.BufferedReader(_Prefixed(body, raw)))


def decoded_lines(export: ExportFile, problem: Any) -> Iterator[str]:
    """The text lines of a CSV export (ends kept), decoded incrementally. A decoding error
    becomes ``problem(line, message)``, which returns the exception to raise."""
    decoder = codecs.getincrementaldecoder(export.encoding.codec)()
    pending = held = ""
    lone_cr: bool | None = None  # decided by the first line end
    line = 1
    while True:
        raw = export.stream.read(CHUNK)
        try:
            text = decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            before = codecs.decode(exc.object[: exc.start], export.encoding.codec, "replace")
            where = line + pending.count("\n") + before.count("\n")
            raise problem(where, not_text(export.encoding, exc, fmt="csv")) from None
        # Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR. When the file's first
        # line end is one, every lone CR is read as a line end; otherwise a CR is part of a
        # (quoted) cell and stays. A CR at the end of a chunk waits for the next chunk, which
        # may start with its LF.
        text, held = held + text, ""
        if raw and text.endswith("\r"):
            text, held = text[:-1], "\r"
        if lone_cr is None and (first := _LINE_END.search(text)):
            lone_cr = first.group() == "\r"
        pending += _LONE_CR.sub("\n", text) if lone_cr else text
        *complete, pending = pending.split("\n")
        for part in complete:
            yield part + "\n"
            line += 1
        if not raw:
            if pending:
                yield pending
            return


def not_text(encoding: Encoding, exc: UnicodeDecodeError, *, fmt: str) -> str:
    found = f"byte 0x{exc.object[exc.start]:02x}" if exc.start < len(exc.object) else "a cut-off character"
    hint = ""
    if encoding.codec.startswith("utf-8") and fmt == "csv":
        hint = ' (Excel\'s "CSV (Comma delimited)" saves in the Windows code page: save as "CSV UTF-8" or "Unicode Text")'
    return f"not {encoding.label} text: {found}{hint}; {ACCEPTED}"


def pick_delimiter(header: str, known: frozenset[str]) -> str:
    """The delimiter that splits ``header`` into the most known column names; on a tie (none
    known), the one that occurs most; comma when there is nothing to go by."""
    import csv

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return sum(" ".join(c.split()).casefold() in known for c in cells), header.count(delimiter)

    return max(DELIMITERS, key=score)
