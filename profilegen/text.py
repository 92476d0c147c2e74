"""Text that came from outside (files, servers, configs): what counts as a control character."""

from __future__ import annotations

import re

# C0 control characters other than tab, line feed and carriage return, and DEL: never valid in
# an identifier, organization name or plist string we write.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Everything that moves a terminal's cursor or starts an escape sequence: C0 (line breaks too),
# DEL and C1 (0x9b is a one-byte CSI). Key names from binary plists can hold any of them.
_UNPRINTABLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), safe for one terminal line."""
    return _UNPRINTABLE_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
