"""Read the records of a (possibly huge) JSON sign-in export one at a time.

Accepted shapes (azure-facts section 4.3): the portal's bare array of sign-ins, a Graph page
``{"@odata.context": ..., "value": [...], "@odata.nextLink": ...}``, several pages saved one after
another in one file (or as JSON lines), and an array of pages. Only one record and one read
chunk are in memory at a time: elements are cut out with ``json.JSONDecoder.raw_decode`` over a
sliding buffer, so a 500 MB export needs a few hundred KB. Portal downloads: 
https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-download-logs
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from profilegen.core.errors import InputError
from profilegen.entra.exportfile import Encoding, not_text

UTF8 = Encoding("UTF-8", "utf-8-sig")

CHUNK = 1 << 16
# One sign-in record is a few KB; anything far larger is not a sign-in or is broken JSON.
MAX_VALUE = 16 << 20
# An element of a top-level array that is not decoded within this much text is treated as a
# Graph page and streamed field by field: pages can be any size, and re-decoding a growing
# window from its start for each new chunk would be quadratic.
PAGE_PROBE = 1 << 20
_TOO_BIG = object()
WHITESPACE = " \t\r\n"
# Sign-in error codes have at most 7 digits. Python refuses int() of more than 4,300 digits
# (a ValueError, CVE-2020-10735), so long digit runs stay text: the reader then reports a
# non-numeric errorCode for the row instead of the decoder failing on the whole file.
MAX_INT_DIGITS = 30


class LongNumber(str):
    """The text of a JSON integer too long to be an error code."""


def _parse_int(text: str) -> int | LongNumber:
    return int(text) if len(text) <= MAX_INT_DIGITS else LongNumber(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)
FIX = "export the sign-ins again as JSON or CSV"


class _Buffer:
    """A sliding window over a text file (UTF-8 or UTF-16) that knows the line number of its read position."""

    def __init__(self, stream: IO[bytes], path: Path, encoding: Encoding) -> None:
        self.stream = stream
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding.codec)()
        self.path = path
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.lines = 0  # newlines in the stream before buf[mark]
        self.mark = 0

    def line(self) -> int:
        """1-based line of the read position; counts incrementally, so it stays cheap."""
        self.lines += self.buf.count("\n", self.mark, self.pos)
        self.mark = self.pos
        return self.lines + 1

    def error(self, problem: str) -> InputError:
        return InputError(f"{self.path}:{self.line()}: {problem}; {FIX}")

    def fill(self) -> bool:
        """Read one more chunk, dropping what was consumed. False at end of file."""
        if self.eof:
            return False
        raw = self.stream.read(CHUNK)
        try:
            chunk = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            before = codecs.decode(exc.object[: exc.start], self.encoding.codec, "replace")
            line = self.lines + self.buf.count("\n", self.mark) + before.count("\n") + 1
            raise InputError(f"{self.path}:{line}: {not_text(self.encoding, exc, fmt='json')}") from None
        if not raw:
            self.eof = True
            if not chunk:
                return False
        self.line()
        self.buf = self.buf[self.pos :] + chunk
        self.pos = self.mark = 0
        return True

    def peek(self) -> str | None:
        """The next non-blank character (not consumed), or None at end of file."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return None

    def take(self, expected: str) -> str:
        char = self.peek()
        if char is None or char not in expected:
            found = "end of file" if char is None else repr(char)
            raise self.error(f"invalid JSON: expected {' or '.join(map(repr, expected))}, found {found}")
        self.pos += 1
        return char

    def value(self, limit: int = MAX_VALUE) -> Any:
        """Decode the JSON value at the read position (after peek()). With a limit below
        MAX_VALUE, a value still unfinished after ``limit`` characters returns _TOO_BIG, and the
        read position stays at its start."""
        while True:
            try:
                obj, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                # Sign-ins nest 3 levels deep; json's C scanner recurses once per level.
                raise self.error("invalid JSON: nested too deeply to be a sign-in") from None
            except json.JSONDecodeError as exc:
                if len(self.buf) - self.pos < limit and self.fill():
                    continue  # most likely cut off at the end of the window
                if limit < MAX_VALUE and not self.eof:
                    return _TOO_BIG
                raise self.error(f"invalid JSON: {exc.msg}") from None
            # A number (or literal) that ends exactly at the window's end may continue.
            if end == len(self.buf) and not self.eof and self.fill():
                continue
            self.pos = end
            return obj


def iter_json_records(stream: IO[bytes], path: Path, encoding: Encoding = UTF8) -> Iterator[tuple[Any, int]]:
    """Yield (record, line) for every sign-in record in the stream (after any BOM), in file order."""
    buf = _Buffer(stream, path, encoding)
    while (char := buf.peek()) is not None:
        if char == "[":
            yield from _array(buf, unwrap_pages=True)
        elif char == "{":
            yield from _object(buf)
        else:
            raise buf.error(f"invalid JSON: expected '[' or '{{', found {char!r}")


def _array(buf: _Buffer, *, unwrap_pages: bool) -> Iterator[tuple[Any, int]]:
    buf.take("[")
    if buf.peek() == "]":
        buf.pos += 1
        return
    while True:
        char = buf.peek()
        line = buf.line()
        item = buf.value(PAGE_PROBE) if unwrap_pages and char == "{" else buf.value()
        if item is _TOO_BIG:
            yield from _object(buf)  # a big element: most likely a page, stream its "value"
        elif unwrap_pages and isinstance(item, dict) and isinstance(item.get("value"), list):
            for record in item["value"]:  # an array of Graph pages
                yield record, line
        else:
            yield item, line
        if buf.take(",]") == "]":
            return


def _object(buf: _Buffer) -> Iterator[tuple[Any, int]]:
    """A top-level object: a Graph page whose "value" array is streamed, or one record."""
    start = buf.line()
    buf.take("{")
    fields: dict[str, Any] = {}
    streamed = False
    if buf.peek() == "}":
        buf.pos += 1
        raise buf.error("an empty JSON object has no sign-ins")
    while True:
        if buf.peek() != '"':
            buf.take('"')
        key = buf.value()
        buf.take(":")
        if key == "value" and buf.peek() == "[":
            yield from _array(buf, unwrap_pages=False)
            streamed = True
        else:
            buf.peek()
            fields[key] = buf.value()
        if buf.take(",}") == "}":
            break
    if not streamed and fields:
        yield fields, start  # a single sign-in object
