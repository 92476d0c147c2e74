"""Pre-upload lint: what Jamf Pro silently damages (reference §3, Jamf-Concepts/jamf-cli PRs
#310/#311 and its classic-profile-payload-ampersand-escaping note, tested on Jamf Pro 11.x).

- An emoji anywhere makes Jamf Pro drop the whole mcx_preference_settings dictionary.
- Literal line feeds and tabs are deleted outside PayloadContent and inside non-Custom-Settings
  payloads.
- Non-Custom-Settings payloads keep one extra entity layer: & < > come back as &amp; &lt; &gt;.
Each finding is one line naming the file and key path; the caller refuses the file unless --force.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from profilegen.catalog import MCX_TYPE


def is_emoji(char: str) -> bool:
    """Characters outside the Basic Multilingual Plane (every modern emoji), the BMP's
    Miscellaneous Symbols and Dingbats, and the emoji variation selector. [inf] the exact set
    Jamf Pro chokes on is unpublished; these are what "emoji" means in practice."""
    code = ord(char)
    return code > 0xFFFF or 0x2600 <= code <= 0x27BF or code == 0xFE0F


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield path or str(key), str(key)  # keys travel too
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def lint(profile: Mapping[str, Any]) -> list[str]:
    """One line per value Jamf Pro would damage (the profile is the MCX form we upload)."""
    problems: list[str] = []
    for path, text in _strings(profile, ""):
        emoji = next((c for c in text if is_emoji(c)), None)
        if emoji:
            problems.append(f"{path}: contains U+{ord(emoji):04X} (an emoji); Jamf Pro drops the whole "
                            "mcx_preference_settings of a profile holding one: remove it")
    outside = {k: v for k, v in profile.items() if k != "PayloadContent"}
    damaged = [(p, t) for p, t in _strings(outside, "")]
    payloads = profile.get("PayloadContent")
    for i, payload in enumerate(payloads if isinstance(payloads, list) else []):
        if isinstance(payload, Mapping) and payload.get("PayloadType") != MCX_TYPE:
            layered = list(_strings(payload, f"PayloadContent[{i}]"))
            damaged += layered
            for path, text in layered:
                if any(c in text for c in "&<>"):
                    problems.append(f"{path}: & < or > in a {payload.get('PayloadType')} payload comes back from "
                                    "Jamf Pro as &amp; &lt; &gt; (only Custom Settings payloads are stored exactly); remove them")
    for path, text in damaged:
        if "\n" in text or "\t" in text:
            problems.append(f"{path}: a line feed or tab here is deleted by Jamf Pro (kept only inside Custom "
                            "Settings payloads); write the value on one line")
    return problems
