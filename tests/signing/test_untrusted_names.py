"""Issue 19 classes 4, 6 and 13 for sign and verify: a file name is one field of one line.

A name holding a line feed could forge a ``profilegen: ...`` line in sign's "signed ..." line and
verify's text report; bidi controls reached the terminal raw; verify's JSON is escaped for
JSON (the value read back is the file name itself)."""

from __future__ import annotations

import json
from pathlib import Path

from profilegen.cli import app
from tests.signing.conftest import PROFILE
from tests.signing.pki import PKI

NAME = "a\nprofilegen: forged\u202e\x9b"
SHOWN = "a\\nprofilegen: forged\\u202e\\x9b"


def test_sign_and_verify_keep_a_hostile_name_on_its_line(runner, pki: PKI, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / f"{NAME}.mobileconfig"
    source.write_bytes(PROFILE.read_bytes())
    leaf = pki["codesign"]
    signed = runner.invoke(app, ["sign", str(source), "--out", str(tmp_path / "out"),
                                 "--cert", str(leaf.cert_pem), "--key", str(leaf.key_pem), "--chain", str(leaf.chain_pem)])
    assert signed.exit_code == 0, signed.output
    (line,) = signed.stderr.splitlines()
    assert line.startswith("signed ") and SHOWN in line
    target = tmp_path / "out" / f"{NAME}.mobileconfig"
    report = runner.invoke(app, ["verify", "--ca-file", str(pki.root_pem), str(target)])
    assert report.exit_code == 0, report.output
    lines = report.stdout.splitlines()
    assert lines[0] == f"{tmp_path}/out/{SHOWN}.mobileconfig: intact, trusted by {pki.root_pem}; signed by " + lines[0].split("; signed by ")[1]
    assert len(lines) == 2 and lines[1] == "1 file(s): 1 verified, 0 with problems"
    assert not any(char in report.stdout for char in "\u202e\x9b")
    as_json = runner.invoke(app, ["verify", "--format", "json", str(target)])
    assert not any(char in as_json.stdout for char in "\u202e\x9b")
    (entry,) = json.loads(as_json.stdout)["files"]
    assert entry["path"] == str(target)
