"""--password-stdin reads the first line the same way for sign, generate, variants and
ropg-check (issue 19, class 12; profilegen/core/stdin.py): a UTF-8 byte order mark (Notepad,
Windows PowerShell 5) and the line end (LF or CRLF) are not part of the password."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from profilegen.cli import app
from profilegen.core.errors import InputError
from profilegen.core.stdin import MAX_LINE, secret_line
from tests.conftest import SAMPLES
from tests.signing.conftest import PROFILE
from tests.signing.pki import PASSWORD, PKI

BOM = b"\xef\xbb\xbf"
NO_ENV = {"PROFILEGEN_KEY_PASSWORD": None}


def command(name: str, pki: PKI, tmp: Path) -> list[str]:
    out = str(tmp / "out")
    if name == "sign":
        return ["sign", str(PROFILE), "--out", out, "--p12", str(pki.p12), "--password-stdin"]
    if name == "generate":
        return ["generate", "--config", str(SAMPLES / "contoso.yaml"), "--out", out, "--p12", str(pki.p12), "--password-stdin"]
    source = Path(shutil.copy(SAMPLES / "departments.yaml", tmp / "departments.yaml"))
    return ["variants", str(source), "--out", out, "--p12", str(pki.p12), "--password-stdin"]


@pytest.mark.parametrize("name", ["sign", "generate", "variants"])
@pytest.mark.parametrize("piped", [BOM + PASSWORD.encode() + b"\r\n", BOM + PASSWORD.encode(), PASSWORD.encode() + b"\r\n"],
                         ids=["bom-crlf", "bom-no-line-end", "crlf"])
def test_bom_and_line_end_are_not_the_password(runner, pki, tmp_path, name, piped):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, command(name, pki, tmp_path), input=piped, env=NO_ENV)
    assert result.exit_code == 0, result.output
    assert any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("name", ["sign", "generate", "variants"])
def test_a_bom_inside_the_password_is_kept(runner, pki, tmp_path, name):  # type: ignore[no-untyped-def]
    """Only a leading mark is stripped: one after the first character is the password's own."""
    result = runner.invoke(app, command(name, pki, tmp_path), input=PASSWORD[:1].encode() + BOM + PASSWORD[1:].encode() + b"\n", env=NO_ENV)
    assert result.exit_code == 2 and "wrong password" in result.output, result.output


def test_the_reader() -> None:
    assert secret_line(io.BytesIO(BOM + b"pw\r\nsecond line\n")) == b"pw"
    assert secret_line(io.BytesIO(BOM + BOM + b"pw\n")) == BOM + b"pw"  # one mark, as an editor writes it
    assert secret_line(io.BytesIO(b"\xffpw\n")) == b"\xffpw"  # bytes: a key passphrase need not be UTF-8
    assert secret_line(io.BytesIO(b"")) == b""
    assert secret_line(io.BytesIO(b"x" * MAX_LINE + b"\n")) == b"x" * MAX_LINE
    with pytest.raises(InputError) as info:
        secret_line(io.BytesIO(b"x" * (MAX_LINE + 1)))
    assert info.value.problems == ("--password-stdin: the first line of stdin is over 64 KiB; pipe the password alone",)
