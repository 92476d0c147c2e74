"""core.scrub: the exact text a user sees for every spelling of a secret (issue 23).

Each spelling below is produced here by the encoder that writes it (urllib.parse.quote applied
one, two and three times, html.escape, json.dumps), not copied from scrub's own patterns.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote, quote_plus

import pytest
from pydantic import SecretStr

from profilegen.core.scrub import MIN_SCRUB_LENGTH, SCRUBBED, WITHHELD, password_pattern, scrub, scrubber, server_words

PASSWORD = "Pa/ss w\"o&rd\\é€𝄞"


def _times(encode, text: str, n: int) -> str:
    for _ in range(n):
        text = encode(text)
    return text


SPELLINGS = {
    "plain": PASSWORD,
    "upper case": PASSWORD.upper(),
    "quote once": quote(PASSWORD, safe=""),
    "quote twice": _times(lambda t: quote(t, safe=""), PASSWORD, 2),
    "quote three times": _times(lambda t: quote(t, safe=""), PASSWORD, 3),
    "quote lower-case hex": quote(PASSWORD, safe="").lower(),
    "quote_plus": quote_plus(PASSWORD),
    "quote safe=/": quote(PASSWORD),
    "html.escape": html.escape(PASSWORD),
    "decimal references": "".join(f"&#{ord(c)};" for c in PASSWORD),
    "hex references, zeros, no ;": "".join(f"&#x00{ord(c):X}" for c in PASSWORD),
    "json.dumps ascii": json.dumps(PASSWORD)[1:-1],
    "json \\u for all": "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else json.dumps(c)[1:-1] for c in PASSWORD),
    "json escaped slash": json.dumps(PASSWORD, ensure_ascii=False)[1:-1].replace("/", "\\/"),
    "\\x escapes": "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 else c for c in PASSWORD),
    "named references": PASSWORD.replace("/", "&sol;").replace('"', "&quot").replace("&r", "&amp;r"),
}


@pytest.mark.parametrize("name", SPELLINGS)
def test_every_spelling_is_replaced_exactly(name: str) -> None:
    text = f"error: user sent '{SPELLINGS[name]}' (try again)"
    assert scrub(text, SecretStr(PASSWORD)) == "error: user sent '********' (try again)"
    assert scrubber(SecretStr(PASSWORD))(text) == "error: user sent '********' (try again)"


def test_three_times_percent_encoded_is_scrubbed() -> None:
    # The planted bug: %25 repeated twice (three encodings) must still match.
    assert scrub("p=%252525%25252F%25252f", SecretStr("%//")) == "p=********"
    assert scrub("x %25252F%25252F%25252F%25252F%25252F%25252F y", "//////") == "x ******** y"
    # Any number of encodings (issue 19 made %25 repeat without a limit).
    for times in (4, 7):
        assert scrub(_times(lambda t: quote(t, safe=""), "//////", times), "//////") == "********"


def test_other_text_is_left_alone() -> None:
    assert scrub("nothing to see", SecretStr(PASSWORD)) == "nothing to see"
    assert scrub("", SecretStr(PASSWORD)) == ""
    assert scrub("abc", "") == "abc" and scrub("abc") == "abc"


def test_several_secrets_longest_first() -> None:
    # The longer secret contains the shorter: replacing the short one first would leave "tail".
    assert scrub("token=secret-tail and secret", "secret", SecretStr("secret-tail")) == "token=******** and ********"
    assert scrub("a b", "a b") == SCRUBBED


def test_scrubber_short_password_withholds_the_whole_text() -> None:
    short = "x" * (MIN_SCRUB_LENGTH - 1)
    scrub_short = scrubber(SecretStr(short))
    assert scrub_short(f"echo {short}!") == WITHHELD
    assert scrub_short(f"echo {quote('x')}{short[1:]}") == WITHHELD
    assert scrub_short("nothing here") == "nothing here"
    assert scrub_short("") == ""
    # At exactly MIN_SCRUB_LENGTH the password is masked, not the text withheld.
    exact = "y" * MIN_SCRUB_LENGTH
    assert scrubber(SecretStr(exact))(f"echo {exact}!") == "echo ********!"
    assert scrubber(SecretStr(exact))("") == ""


def test_scrubber_empty_password_changes_nothing() -> None:
    assert scrubber(SecretStr(""))("any text at all") == "any text at all"


def test_min_length_and_markers_are_pinned() -> None:
    assert MIN_SCRUB_LENGTH == 6
    assert SCRUBBED == "********"


def test_pattern_spells_one_character_every_way() -> None:
    pattern = password_pattern("/")
    for spelling in ("/", "%2F", "%2f", "%252F", "%25252f", "&#47;", "&#047", "&#x2F;", "&#x002f", "&sol;",
                     "\\u002F", "\\/", "\\x2f"):
        assert pattern.fullmatch(spelling), spelling
    assert pattern.fullmatch("%2525252F")
    for other in ("%25", "%252", "&#48;", "\\u0030", "+", "%2G", "&#x30;"):
        assert not pattern.fullmatch(other), other
    space = password_pattern(" ")
    assert space.fullmatch("+") and space.fullmatch("%20") and not space.fullmatch("%2B")
    astral = password_pattern("𝄞")
    assert astral.fullmatch("\\ud834\\udd1e") and astral.fullmatch("%F0%9D%84%9E") and astral.fullmatch("&#119070;")
    assert not astral.fullmatch("\\x1d11e")
    # U+10000 is the first character that JSON writes as a surrogate pair.
    assert password_pattern("\U00010000").fullmatch("\\ud800\\udc00")
    assert password_pattern("\uffff").fullmatch("\\uffff")
    # Characters from 0x100 up have no \x spelling; below it they do.
    assert password_pattern("\xff").fullmatch("\\xff") and not password_pattern("ā").fullmatch("\\x101")


def test_server_words_scrubs_before_and_after_markup() -> None:
    clean = scrubber(SecretStr("a<q7>bcdef"))
    assert server_words("<p>user a<q7>bcdef  sent</p>\n<b>x</b>", clean) == "user ******** sent x"
    # Only the decoding spells it out: the second pass catches it.
    assert server_words("pw a&amp;lt;q7&amp;gt;bcdef!", clean) == "pw ********!"
    assert server_words("", clean) == ""
