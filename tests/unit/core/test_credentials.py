"""core/credentials.py skips its patterns for text that holds neither "=" nor both "@" and
"://" (issue 21: every finding message passes through mask_credentials, and PG505 asks
url_credentials of every value). The answers must be those of the patterns themselves."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.core import credentials
from profilegen.core.credentials import HIDDEN, mask_credentials, url_credentials

PIECES = st.lists(
    st.sampled_from(["https://", "http:/", "://", "@", "user:pw", "=", "?", "&", "#", ";", "token", "client_secret", "sig",
                     "a", " ", "host/x", "&amp;", "&lt;", "'", "\n", "api_key", "Password"]),
    max_size=14,
).map("".join)


def without_shortcut(monkeypatch: pytest.MonkeyPatch, func, text):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(credentials, "_may_hold", lambda _text: True)
        return func(text)


@settings(max_examples=500, deadline=None)
@given(text=PIECES)
def test_the_shortcut_answers_as_the_patterns(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert mask_credentials(text) == without_shortcut(monkeypatch, mask_credentials, text)
        assert url_credentials(text) == without_shortcut(monkeypatch, url_credentials, text)


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("https://u:p@host/x", "user:password@", f"https://{HIDDEN}@host/x"),
        ("https://host/x?token=abc", "token=", f"https://host/x?token={HIDDEN}"),
        ("see https://host/#sig=abc", None, f"see https://host/#sig={HIDDEN}"),
        ("https://host/x", None, "https://host/x"),
        ("user@example.com", None, "user@example.com"),
        ("a=b", None, "a=b"),
    ],
)
def test_credentials_still_found_and_masked(text: str, kind: str | None, masked: str) -> None:
    assert url_credentials(text) == kind
    assert mask_credentials(text) == masked
