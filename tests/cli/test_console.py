"""cli/console.py's echo against typer's (its vendored click's): the same bytes on every kind of
stream the CLI meets, so that validate's fast path prints what the Typer route printed."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
import typer

from profilegen.cli import console
from profilegen.cli.stdout import StdoutGuard

TEXTS = ["plain", "", "caf\u00e9 \u2603 \u4e2d", "\x1b[31mred\x1b[0m and \x1b[1;4mbold\x1b[K", "two\nlines\n"]


class Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


class NoEncoding:
    """A text stream without encoding or errors attributes (some embedding hosts' stdout)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("text only")
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def streams() -> dict[str, Any]:
    return {
        "utf-8 file": lambda: io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),
        "ascii (PYTHONIOENCODING=ascii)": lambda: io.TextIOWrapper(io.BytesIO(), encoding="ascii"),
        "latin-1, strict": lambda: io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="replace"),
        "terminal": lambda: Terminal(io.BytesIO(), encoding="utf-8"),
        "ascii terminal": lambda: Terminal(io.BytesIO(), encoding="ascii"),
        "StdoutGuard": lambda: StdoutGuard(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")),
        "no encoding": NoEncoding,
        "binary": io.BytesIO,
    }


def written(stream: Any) -> Any:
    if isinstance(stream, NoEncoding):
        return stream.parts, stream.buffer.getvalue()
    if isinstance(stream, io.BytesIO):
        return stream.getvalue()
    inner = getattr(stream, "_stream", stream)
    inner.flush()
    return inner.buffer.getvalue()


@pytest.mark.parametrize("kind", list(streams()))
@pytest.mark.parametrize("err", [False, True])
def test_echo_raw_writes_what_typer_echo_writes(kind: str, err: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "stderr" if err else "stdout"
    out = []
    for echo in (console.echo_raw, typer.echo):
        stream = streams()[kind]()
        monkeypatch.setattr(sys, name, stream)
        for text in TEXTS:
            echo(text, err=err)
            echo(text, err=err, nl=False)
        out.append(written(stream))
    assert out[0] == out[1]


def test_echo_and_echo_line_escape_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    from profilegen.core.text import one_line, terminal_safe

    out = []
    for safe, line in ((console.echo, console.echo_line), (lambda t, **k: typer.echo(terminal_safe(t), **k),
                                                           lambda t, **k: typer.echo(one_line(t), **k))):
        stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        monkeypatch.setattr(sys, "stdout", stream)
        for text in ["a\x1b]0;t\x07b\nc\u202ed\ud800", "x\r\ny"]:
            safe(text)
            safe(text, nl=False)
            line(text)
        out.append(written(stream))
    assert out[0] == out[1]


def test_no_stream_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    console.echo_raw("lost")
    typer.echo("lost")
