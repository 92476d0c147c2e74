"""Text that came from outside (files, servers, configs): control characters and terminal safety.

Anything a command prints may contain text from a profile, a config, a log export or a server.
A terminal acts on ESC, CSI and OSC sequences even when stdout is a pipe into ``less -R`` or a
CI log viewer (``ESC ] 0 ; title BEL`` retitles the window, OSC 52 writes the clipboard), so the
CLI passes every line it prints through :func:`terminal_safe` and JSON through
:func:`json_safe`. Escapes are written the way Python and JSON write them (``\\x1b``,
``\\u009b``), so the reader sees what was there.
"""

from __future__ import annotations

import re

# C0 control characters other than tab, line feed and carriage return, and DEL: never valid in
# an identifier, organization name or plist string we write.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Everything a terminal may act on or that cannot be written as UTF-8: C0 (tab, CR and LF
# included), DEL, C1 (U+0080-U+009F: U+009B is a one-character CSI, U+009D an OSC), lone
# surrogates (what a JSON "\ud800" escape or an undecodable file name decodes to) and BIDI.
# The bidirectional controls are escaped too: U+202E (RIGHT-TO-LEFT OVERRIDE) and its kin make
# a terminal or a review tool show text in an order other than the bytes' ("Trojan Source",
# CVE-2021-42574, trojansource.codes): U+061C ALM, U+200E/U+200F LRM/RLM, U+202A-U+202E
# embeddings and overrides, U+2066-U+2069 isolates (Unicode UAX #9, table 4).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE_RE = re.compile(rf"[\x00-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")
UNSAFE_EXCEPT_NEWLINE_RE = re.compile(rf"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI}]")
# JSON: the same characters as \uXXXX escapes (the value read back is unchanged), plus the
# JavaScript line separators U+2028/U+2029. A pattern, compiled (and kept by re's cache) on its
# first use: a class this wide takes about 0.3 ms to compile, and validate's text report, whose
# start-up matters most (issue 21), never needs it.
_JSON_UNSAFE = rf"[\x7f-\x9f\ud800-\udfff\u2028\u2029{BIDI}]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with every control character escaped, newlines included: one table cell or
    one field of a line, which can neither break the line nor steer the terminal."""
    return UNSAFE_RE.sub(_escape, text)


printable = one_line  # the name validate's report and signing use


def terminal_safe(text: str) -> str:
    """Our own lines (joined by newlines) with every control character inside them escaped.

    The one boundary the CLI prints through: only the newlines between lines survive."""
    return UNSAFE_EXCEPT_NEWLINE_RE.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON text from ``json.dumps(..., ensure_ascii=False)`` with C1 characters, DEL, lone
    surrogates and the JavaScript line separators written as ``\\uXXXX`` escapes.

    Outside string literals JSON has only ASCII punctuation, digits and literals, so every
    such character is inside a string, where the escape means the same character: the
    document stays valid JSON with the same value, and is printable as UTF-8."""
    return re.sub(_JSON_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", document)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, most emoji) count two, combining marks
    and format characters (zero-width joiner, variation selectors) none."""
    import unicodedata  # here: only the table reports (signins, ca-check) measure widths

    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (``str.ljust`` counts characters)."""
    return text + " " * max(0, width - display_width(text))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 sign-in', '2 sign-ins'."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# Values echoed in messages are cut to this many characters: a 10,000-character value must
# not become a 10,000-character error line.
SHOWN_CHARS = 80


def shown(value: object, *, limit: int = SHOWN_CHARS, quote: bool = True) -> str:
    """``value`` as a message shows it: non-printing characters escaped (``\\u200b``), cut to
    ``limit`` characters with ``...``; text in quotes unless ``quote`` is False."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > 256:
        # repr() of a huge int is slow, and refused beyond 4,300 digits.
        return f"<a {len(hex(value)) - 2}-hex-digit number>"
    if isinstance(value, str):
        escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value[:limit])
        if len(escaped) > limit or len(value) > limit:
            escaped = escaped[: limit - 5] + "..."
        return f"'{escaped}'" if quote else escaped
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def invisible(value: str, *, start: int = 0) -> str | None:
    """Where ``value`` holds a character that does not show (U+200B, NBSP, U+FEFF, a control
    character), e.g. ``an invisible U+200B (ZERO WIDTH SPACE) at character 37``; else None.
    ``start`` is added to the position (``value`` is part of a longer text)."""
    import unicodedata

    for i, char in enumerate(value):
        if not char.isprintable():
            name = unicodedata.name(char, "")
            return f"an invisible U+{ord(char):04X}{f' ({name})' if name else ''} at character {start + i + 1}"
    return None
