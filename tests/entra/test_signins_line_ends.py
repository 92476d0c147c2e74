"""Issue 19 class 7: Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR.

Such an export ended in exit 70 (csv: "new-line character seen in unquoted field"). Every line
end (LF, CRLF, CR, mixed, a CRLF cut between two read chunks) must give the same report."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profilegen.cli import app
from profilegen.entra import exportfile
from tests.entra.test_signins import ROWS, write_csv


@pytest.fixture(scope="module")
def lf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = write_csv(tmp_path_factory.mktemp("lf") / "s.csv", ROWS)
    return path.read_bytes().replace(b"\r\n", b"\n")


def _run(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["signins", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("ending", ["\r", "\r\n", "mixed"])
def test_every_line_end_gives_the_same_report(tmp_path: Path, lf_bytes: bytes, ending: str) -> None:
    lf = tmp_path / "lf.csv"
    lf.write_bytes(lf_bytes)
    lines = lf_bytes.split(b"\n")
    if ending == "mixed":
        other = b"".join(line + (b"\r", b"\r\n", b"\n")[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    else:
        other = lf_bytes.replace(b"\n", ending.encode())
    odd = tmp_path / "odd.csv"
    odd.write_bytes(other)
    expected = _run(lf)
    assert expected[0] == 0 and "read" in expected[1]
    assert _run(odd) == expected
    assert json.loads(_run(odd, "--format", "json")[1]) == json.loads(_run(lf, "--format", "json")[1])


def test_a_crlf_split_between_two_chunks_is_one_line_end(tmp_path: Path, lf_bytes: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    crlf = lf_bytes.replace(b"\n", b"\r\n")
    bom = len(codecs.BOM_UTF8) if crlf.startswith(codecs.BOM_UTF8) else 0  # read before the chunks
    cut = crlf.index(b"\r\n") + 1 - bom  # the first chunk ends between CR and LF
    monkeypatch.setattr(exportfile, "CHUNK", cut)
    path = tmp_path / "crlf.csv"
    path.write_bytes(crlf)
    lines = list(exportfile.decoded_lines(exportfile.open_export(path.open("rb")), lambda line, message: ValueError(message)))
    assert lines == [line + "\r\n" for line in crlf.decode("utf-8-sig").split("\r\n")[:-1]]
