"""Remove a password from text a server sent back, in every spelling a server plausibly uses.

A misbehaving endpoint (or a proxy's error page) may echo the form it received. Rather than
list whole-password encodings (``quote`` with one safe set, ``quote_plus``, ...), the pattern
allows, for each character of the password on its own, every way an encoder writes that
character:

- itself, in any letter case (some servers fold case);
- percent-encoded, each UTF-8 byte as ``%XX`` in either hex case, encoded any number of times
  (``%2F``, ``%2f``, ``%252F``, ``%25252F``); ``+`` for a space (``quote_plus``, HTML forms). Since every
  character may be encoded or not, every ``safe=`` set of ``urllib.parse.quote`` is covered;
- an HTML character reference: decimal ``&#47;``, hex ``&#x2F;`` (leading zeros, either case,
  with or without ``;``) and every HTML5 named reference for it (``&amp;``, ``&sol;``, ``&quot``);
- a JSON or JavaScript string escape: ``\\u002f`` (either case; a surrogate pair for characters
  outside the BMP), ``\\/``, ``\\"``, ``\\\\``, ``\\n``..., and ``\\x2f``.

A password shorter than MIN_SCRUB_LENGTH would match inside ordinary words ("s" in almost
every sentence), so masking it character by character would mangle the message while
telling a reader which letters the password has: text that contains such a password in any
spelling is dropped whole instead (WITHHELD), text that does not is left as it is.

Markup comes off only after scrubbing (``server_words``): a secret that holds ``<q7>`` loses
that part to tag stripping, and what is left no longer matches it (issue 19).
"""

from __future__ import annotations

import html
import html.entities
import re
from collections.abc import Callable
from functools import lru_cache

from pydantic import SecretStr

SCRUBBED = "********"
# Entra's own policy requires at least 8 characters for cloud passwords (learn.microsoft.com/
# en-us/entra/identity/authentication/concept-sspr-policy#password-policies); shorter ones
# come from synced on-premises policies or tests. 6 is where a match stops being mostly chance.
MIN_SCRUB_LENGTH = 6
WITHHELD = "(the server's text is withheld: it may contain the password, which is too short to mask reliably)"

_JSON_SHORT = {"/": "\\/", '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


@lru_cache(maxsize=1)
def _named_references() -> dict[str, tuple[str, ...]]:
    """Character -> its HTML5 named references (``html.entities.html5`` keys, with and
    without the ``;`` where HTML allows it)."""
    table: dict[str, list[str]] = {}
    for name, value in html.entities.html5.items():
        if len(value) == 1:
            table.setdefault(value, []).append(name)
    return {char: tuple(names) for char, names in table.items()}


def _percent(char: str) -> str:
    return "".join(f"%(?:25)*{byte:02x}" for byte in char.encode("utf-8", "surrogatepass"))


def _json_unicode(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\\\u{code:04x}"
    code -= 0x10000
    return f"\\\\u{0xD800 + (code >> 10):04x}\\\\u{0xDC00 + (code & 0x3FF):04x}"


def _spellings(char: str) -> list[str]:
    """Regex alternatives for one character of the password."""
    code = ord(char)
    alternatives = [
        re.escape(char),
        _percent(char),
        f"&#0*{code};?",
        f"&#x0*{code:x};?",
        _json_unicode(char),
        *(re.escape("&" + name) for name in _named_references().get(char, ())),
    ]
    if char == " ":
        alternatives.append(r"\+")
    if char in _JSON_SHORT:
        alternatives.append(re.escape(_JSON_SHORT[char]))
    if code < 0x100:
        alternatives.append(f"\\\\x{code:02x}")
    return alternatives


def password_pattern(password: str) -> re.Pattern[str]:
    """A pattern matching ``password`` in any mixture of the spellings above."""
    parts = ("(?:" + "|".join(sorted(_spellings(c), key=len, reverse=True)) + ")" for c in password)
    return re.compile("".join(parts), re.IGNORECASE)


def scrubber(secret: SecretStr) -> Callable[[str], str]:
    """A function that removes ``secret`` from server and network text (compiled once)."""
    value = secret.get_secret_value()
    if not value:
        return lambda text: text
    pattern = password_pattern(value)
    if len(value) < MIN_SCRUB_LENGTH:
        return lambda text: WITHHELD if text and pattern.search(text) else text
    return lambda text: pattern.sub(SCRUBBED, text) if text else text


def scrub(text: str, *secrets: SecretStr | str) -> str:
    """``text`` without any of ``secrets`` in any spelling (see the module docstring), each
    replaced by SCRUBBED. For tokens and long secrets; a password that may be short goes
    through ``scrubber``, which withholds instead of mangling."""
    values = [s.get_secret_value() if isinstance(s, SecretStr) else s for s in secrets]
    patterns = [password_pattern(v).pattern for v in sorted(filter(None, values), key=len, reverse=True)]
    if not patterns or not text:
        return text
    return re.sub("|".join(f"(?:{p})" for p in patterns), SCRUBBED, text, flags=re.IGNORECASE)


# A tag as an error page writes it; a bare '<' (a comparison, a secret's character) has no '>'.
_TAG_RE = re.compile(r"<[^<>]*>")


def server_words(text: str, clean: Callable[[str], str]) -> str:
    """An HTML or plain error body as one line of words: ``clean`` (the caller's scrubber)
    runs on the raw text while every secret is still whole, then tags are dropped and
    character references decoded, then ``clean`` runs once more for a spelling that only the
    decoding produced (``&amp;lt;`` -> ``&lt;``)."""
    text = html.unescape(_TAG_RE.sub(" ", clean(text)))
    return " ".join(clean(text).split())
