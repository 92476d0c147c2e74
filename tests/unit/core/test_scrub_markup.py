"""Issue 19 class 2: a secret is scrubbed in every spelling BEFORE markup is stripped.

A secret holding ``<q7>`` lost that part to the tag stripping, after which the rest no longer
matched the secret and was printed (``client_secret=Kx9 Zp2w8s-secret``)."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from pydantic import SecretStr

from profilegen.core.scrub import SCRUBBED, scrub, server_words
from profilegen.core.transport import Answer
from profilegen.jamf.client import server_text

SECRET = "Kx9<q7>Zp2w8s-secret"


def _clean(text: str) -> str:
    return scrub(text, SecretStr(SECRET))


def _quote(text: str, times: int) -> str:
    for _ in range(times):
        text = urllib.parse.quote(text, safe="")
    return text


SPELLINGS = {
    "raw": SECRET,
    "percent once": _quote(SECRET, 1),
    "percent three times": _quote(SECRET, 3),
    "percent five times": _quote(SECRET, 5),
    "json escaped": json.dumps(SECRET, ensure_ascii=True)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e"),
    "html entities": SECRET.replace("<", "&lt;").replace(">", "&gt;"),
    "html numeric": SECRET.replace("<", "&#60;").replace(">", "&#x3E;"),
}


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_server_words_scrub_before_stripping(spelling: str) -> None:
    page = f"<html><body><p>Bad request: client_secret={spelling}&amp;grant=x</p></body></html>"
    assert server_words(page, _clean) == f"Bad request: client_secret={SCRUBBED}&grant=x"


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_jamf_server_text_never_shows_the_secret(spelling: str) -> None:
    body = f"<html><h1>400</h1><pre>client_secret={spelling}</pre></html>".encode()
    said = server_text(Answer(400, body), _clean)
    assert said == f"400 client_secret={SCRUBBED}"
    assert "Zp2w8s" not in said


def test_tags_still_dropped_and_entities_read() -> None:
    assert server_words("<b>Access&nbsp;denied</b> &lt;here&gt;", lambda t: t) == "Access denied <here>"


def test_an_entity_that_decodes_into_the_secret_is_scrubbed_after_decoding() -> None:
    # '&amp;lt;' decodes once to '&lt;': the second pass after unescaping sees the new spelling.
    page = "x=Kx9&amp;lt;q7&amp;gt;Zp2w8s-secret"
    assert "Zp2w8s" not in server_words(page, _clean)


@pytest.mark.parametrize("value", ["Kx9<q7>Zp2w8s-secret", "Kx9&lt;q7&gt;Zp2w8s-secret", "Kx9&#60;q7&#x3e;Zp2w8s-secret",
                                   "Kx9%3Cq7%3EZp2w8s-secret"])
def test_a_credential_in_a_url_is_masked_whole_in_every_spelling(value: str) -> None:
    from profilegen.core.credentials import HIDDEN, mask_credentials

    text = f"see https://idp.contoso.com/x?client_secret={value}&amp;state=1 and go"
    assert mask_credentials(text) == f"see https://idp.contoso.com/x?client_secret={HIDDEN}&amp;state=1 and go"
