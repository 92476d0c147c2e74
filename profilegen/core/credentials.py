"""Credentials inside text: URLs with user:password@ or a secret in the query, found and masked.

Every finding message passes through ``mask_credentials`` (rules/registry.py), so no rule can echo
a password, client secret or token that sits in a URL, whatever the rule quotes.

Which query parameters carry a credential: OAuth's ``client_secret`` (RFC 6749 §2.3.1), bearer
tokens sent as ``access_token`` (RFC 6750 §2.3, which warns that URLs end up in logs and browser
history), and the names services commonly use for the same thing (``token``, ``password``,
``api_key``, a shared-access ``sig``nature). A name that ends in one of these counts too
(``x_token``, ``sas_sig``): a false alarm costs a look, a miss leaks a secret.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

HIDDEN = "<hidden>"
# scheme://user[:password]@host...: credentials embedded in a URL (anywhere in a text).
USERINFO_RE = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#\s@'\"]*@")
SECRET_PARAM = r"[\w.-]*(?:secret|token|password|passwd|pwd|api_?key|apikey|sig|signature)"
SECRET_PARAM_RE = re.compile(rf"^{SECRET_PARAM}$", re.I)
# ?name=value / &name=value / #name=value with a credential name: the value up to the next separator.
# A value quoted from an HTML page spells "<" as "&lt;" or "&#60;": such a character reference
# is part of the value, not a separator (only "&amp;" is, in an HTML-escaped URL), so a secret
# holding "<q7>" is masked whole (issue 19).
_REFERENCE = r"&(?!amp;)(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);"
SECRET_QUERY_RE = re.compile(rf"([?&;#]{SECRET_PARAM}=)(?:{_REFERENCE}|[^&;#\s'\"])*", re.I)


def _may_hold(text: str) -> bool:
    """False when no pattern here can match ``text``: user:password@ needs "://" and "@", a
    credential parameter needs "=" (parse_qsl keeps no pair without one, and the query pattern
    ends its name with "="). Most values and messages hold neither: their regexes and urlsplit
    are skipped (issue 21)."""
    return "=" in text or ("@" in text and "://" in text)


def url_credentials(text: str) -> str | None:
    """What kind of credential the URL ``text`` carries ("user:password@" or the query parameter's
    name), or None."""
    if not _may_hold(text):
        return None
    value = text.strip()
    if USERINFO_RE.match(value):
        return "user:password@"
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    pairs = []
    if parts is not None and parts.scheme:
        pairs = parse_qsl(parts.query, keep_blank_values=False) + parse_qsl(parts.fragment, keep_blank_values=False)
    for name, item in pairs:
        if item and SECRET_PARAM_RE.match(name):
            return f"{name}="
    return None


def mask_credentials(text: str) -> str:
    """``text`` with every URL's user:password@ part and credential query values replaced."""
    if not _may_hold(text):
        return text
    return SECRET_QUERY_RE.sub(rf"\1{HIDDEN}", USERINFO_RE.sub(rf"\1{HIDDEN}@", text))
