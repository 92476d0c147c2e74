"""Secrets are named, never shown (QA1 items 13, 14): credentials inside URLs, secrets under
misspelled keys, one finding per secret key. Profiles are written by the tests."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profilegen.catalog.check import is_secret_key
from profilegen.cli import app
from profilegen.core.credentials import mask_credentials, url_credentials
from tests.helpers import BASE_ARGS, TENANT

SECRET = "S3cr3tV4lue"
CUSTOM = {"OIDCProvider": "Custom", "OIDCClientID": "jamfconnect", "OIDCRedirectURI": "https://127.0.0.1/jamfconnect",
          "OIDCDiscoveryURL": "https://idp.contoso.com/.well-known/openid-configuration"}


def run_validate(runner, tmp_path: Path, prefs: dict[str, Any], fmt: str = "json") -> tuple[str, list[dict[str, Any]]]:
    path = tmp_path / "t.login.plist"
    path.write_bytes(plistlib.dumps(prefs))
    text = runner.invoke(app, ["validate", str(path)])
    result = runner.invoke(app, ["validate", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    return text.output, [f for file in json.loads(result.stdout)["files"] for f in file["findings"]]


@pytest.mark.parametrize(("key", "url"), [
    ("OIDCDiscoveryURL", f"https://i.contoso.com/x?client_secret={SECRET} x"),
    ("ChangePasswordURL", f"https://i.contoso.com/pw?token={SECRET}&x=[1]"),
    ("HelpURL", f"https://help.contoso.com/?lang=en&access_token={SECRET}"),
    ("HelpURL", f"https://help.contoso.com/doc#sas_sig={SECRET}"),
    ("HelpURL", f"https://admin:{SECRET}@help.contoso.com/<tenant>"),
])
def test_a_credential_in_a_url_is_reported_and_never_echoed(runner, tmp_path, key, url):
    text, found = run_validate(runner, tmp_path, dict(CUSTOM, **{key: url}))
    assert SECRET not in text and not any(SECRET in f["message"] for f in found), text
    assert ("PG505", key) in {(f["code"], f["key"]) for f in found}


def test_an_ordinary_query_is_no_credential(runner, tmp_path):
    _, found = run_validate(runner, tmp_path, dict(CUSTOM, HelpURL="https://help.contoso.com/?lang=en&topic=tokens"))
    assert "PG505" not in {f["code"] for f in found}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["client_secret", "token", "access_token", "password", "api_key", "sig", "X_Token"]),
       st.text(st.characters(whitelist_categories=("L", "N")), min_size=4, max_size=20),
       st.sampled_from(["'{}'", "got string {} here", "[{}]"]))
def test_mask_credentials_hides_the_value_in_any_message(name, value, frame):
    url = f"https://h.contoso.com/p?a=1&{name}={value}&b=2"
    masked = mask_credentials(frame.format(url))
    assert f"{name}={value}" not in masked and f"{name}=<hidden>" in masked
    assert url_credentials(url) == f"{name}="


@pytest.mark.parametrize("key", ["OIDCClientSecert", "oidcclientsecret", "ROPGClientSecrets", "ClientSecert"])
def test_a_secret_under_a_misspelled_key_is_still_a_secret(runner, tmp_path, key):
    text, found = run_validate(runner, tmp_path, dict(CUSTOM, **{key: SECRET}))
    assert ("PG502", key) in {(f["code"], f["key"]) for f in found}
    assert SECRET not in text


@pytest.mark.parametrize("key", ["OIDCClientID", "ROPGID", "ClientID", "OIDCRedirectURI", "Secret"])
def test_ordinary_keys_are_not_secrets(key):
    assert not is_secret_key(key)


@pytest.mark.parametrize("value", [[SECRET], {"v": SECRET}, [SECRET, SECRET]])
def test_one_secret_key_one_finding(runner, tmp_path, value):
    _, found = run_validate(runner, tmp_path, dict(CUSTOM, OIDCClientSecret=value))
    assert [f["key"] for f in found if f["code"] == "PG502"] == ["OIDCClientSecret"]


def test_generate_never_echoes_a_token_in_an_option(runner, tmp_path):
    url = f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration?client_secret={SECRET}"
    result = runner.invoke(app, [*BASE_ARGS, "--discovery-url", url, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.startswith("profilegen: --discovery-url: ")
    assert SECRET not in result.stderr
