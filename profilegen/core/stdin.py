"""The one reader of a secret piped to stdin (--password-stdin of sign, generate, variants and
ropg-check): the first line, without a UTF-8 byte order mark and without its line end.

Notepad and Windows PowerShell 5 save UTF-8 with a byte order mark, and Windows line ends are
CRLF; neither is part of the password. Before this reader ropg-check stripped the mark and the
signing commands did not, so one password file worked for one command and not the other.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from profilegen.core.errors import InputError

# A password or a key passphrase is short; a longer first line is a file piped by mistake, and
# reading it whole would let a stream without line ends fill memory.
MAX_LINE = 64 << 10


def secret_line(stream: BinaryIO, *, option: str = "--password-stdin") -> bytes:
    """The first line of ``stream`` as the secret's bytes (not decoded: a key passphrase is bytes)."""
    line = stream.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE and not line.endswith(b"\n"):
        raise InputError(f"{option}: the first line of stdin is over {MAX_LINE >> 10} KiB; pipe the password alone")
    return line.removeprefix(codecs.BOM_UTF8).removesuffix(b"\n").removesuffix(b"\r")
