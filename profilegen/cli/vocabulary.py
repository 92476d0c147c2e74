"""One vocabulary for option names across commands (issue 22): the renamed options, the options
a command cannot run without, and each command's exit codes, declared once. `--help` is written
from them (cli/help.py), docs/cli.md lists them, and tests/cli/test_vocabulary.py holds the three
to the real click tree.

The naming rule, with its reasons:
- `--format` is the format of a report (text, json, sarif, ...) and nothing else; the type of a
  document a command writes is `--file-type` (mobileconfig or plist).
- `--client-id` is the Entra app (Jamf Connect's OIDC client), as in generate and in the
  config's `azure.client_id`. The Jamf Pro API client is `--jamf-client-id`, as its variable
  PROFILEGEN_JAMF_CLIENT_ID says.
- A secret read from stdin (a password, a client secret, a key password) is `--password-stdin`
  everywhere, as in `docker login`.

A renamed option keeps its old name as a hidden alias that still works, for one release (the
`until` version drops it). No warning is printed when an old name is used: scripts that read
stderr keep working through that release; `--help` (epilog) and docs/cli.md say it is going.
An alias without `until` stays: ropg-check's one client *is* the ROPG client, so its name is
`--ropg-client-id`, and `--client-id` is accepted there because the same app is `--client-id`
in generate whenever no second ROPG app is set up (Jamf: OIDCROPGID "normally the same as
OIDCClientID", Initial_Password_Settings).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OldName:
    old: str
    new: str
    commands: tuple[str, ...]
    until: str  # the release that drops it; "" = kept
    why: str


OLD_NAMES: tuple[OldName, ...] = (
    OldName("--format", "--file-type", ("generate", "variants"), "0.2.0",
            "--format is the report format in every other command"),
    OldName("--client-id", "--jamf-client-id", ("jamf push", "jamf pull"), "0.2.0",
            "--client-id is the Entra app in generate, ropg-check and signins"),
    OldName("--secret-stdin", "--password-stdin", ("jamf push", "jamf pull"), "0.2.0",
            "every secret read from stdin is --password-stdin"),
    OldName("--app-id", "--client-id", ("signins",), "0.2.0",
            "the Entra app is --client-id, as in generate"),
    OldName("--client-id", "--ropg-client-id", ("ropg-check",), "",
            "the app ropg-check uses is the ROPG client, which is the --client-id app unless a second one is set up"),
)

# Options a command cannot run without although click does not require them (a config file may
# give them, or either of two identities will do). `--help` marks each one: with its own
# `[required ...]` note when its help has one, else with the mark given here.
_UNLESS = "[required unless --config sets it]"
REQUIRED: dict[str, dict[str, str]] = {
    "generate": {"--tenant": _UNLESS, "--client-id": _UNLESS, "--organization": _UNLESS, "--identifier": _UNLESS,
                 "--out": "[required]"},
    "variants": {"--out": "[required]"},
    "sign": {"--out": "[required]", "--p12": "[required, or --cert and --key]"},
    "ropg-check": {"--username": "[required]", "--tenant": _UNLESS, "--ropg-client-id": _UNLESS},
    "jamf push": {"--url": "[required unless --config sets jamf.url]"},
    "jamf pull": {"--url": "[required unless --config sets jamf.url]", "--out": "[required]"},
    "azure blueprint": {"--out": "[required]"},
}

_BUG = "internal error (a bug; PROFILEGEN_DEBUG=1 adds the traceback)"
_NET = "connection, TLS, authentication or privileges"

# Each command's exit codes, as `--help` prints them (docs/cli.md has the long form).
EXIT_CODES: dict[str, tuple[tuple[int, str], ...]] = {
    "generate": ((0, "written, or identical files left alone; --check: no drift"), (1, "--check found drift"),
                 (2, "bad option, config or value, or a different file without --force; nothing written"), (70, _BUG)),
    "validate": ((0, "no errors"), (1, "error findings (--strict: warnings too)"), (2, "bad option, path or project config"), (70, _BUG)),
    "rules": ((0, "listed"), (2, "bad option"), (70, _BUG)),
    "variants": ((0, "written, or --check found no drift"), (1, "--check found drift"), (2, "bad config or a variant failed"), (70, _BUG)),
    "diff": ((0, "same"), (1, "different"), (2, "unreadable file or bad option"), (70, _BUG)),
    "sign": ((0, "signed and written"), (2, "bad option, identity, password or input; nothing written"), (70, _BUG)),
    "verify": ((0, "every file intact (and trusted with --ca-file)"), (1, "a file tampered, untrusted, expired or unsigned"),
               (2, "bad option, unreadable file"), (70, _BUG)),
    "ropg-check": ((0, "password verified"), (1, "wrong password"), (2, "bad option or input"), (3, "anything else"), (70, _BUG)),
    "signins": ((0, "sign-ins read"), (2, "a file is unreadable, bad option"), (3, "Graph cannot be reached or refuses"), (70, _BUG)),
    "azure blueprint": ((0, "written"), (2, "bad option, file exists without --force"), (70, _BUG)),
    "schema": ((0, "printed"), (2, "unknown kind"), (70, _BUG)),
    "jamf push": ((0, "every profile pushed or unchanged"), (1, "Jamf Pro refused or stored a profile differently"),
                  (2, "bad option or input; nothing sent"), (3, _NET), (70, _BUG)),
    "jamf pull": ((0, "downloaded and written"), (2, "bad option, files exist without --force"), (3, _NET), (70, _BUG)),
    "azure ca-check": ((0, "the policies fit the profile's design"), (1, "a policy contradicts it (--strict: report-only ones too)"),
                       (2, "bad option or input"), (3, "Graph cannot be reached or refuses"), (70, _BUG)),
    "completion": ((0, "printed"), (2, "unknown shell"), (70, _BUG)),
}


def command_name(ctx: Any) -> str:
    """The command of a click context as the vocabulary names it: "generate", "jamf push"."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


def old_names(command: str) -> tuple[OldName, ...]:
    """The old names ``command`` ("jamf push") accepts."""
    return tuple(o for o in OLD_NAMES if command in o.commands)


def epilog(command: str) -> str:
    """The lines `--help` ends with: exit codes, then the old names going away."""
    lines = ["Exit codes:", *(f"  {code:<3} {what}" for code, what in EXIT_CODES.get(command, ()))]
    going = [o for o in old_names(command) if o.until]
    if going:
        text = f"Old names, still accepted until {going[0].until}: " + ", ".join(f"{o.old} (now {o.new})" for o in going) + "."
        lines += ["", *textwrap.wrap(text, width=78, break_on_hyphens=False)]
    return "\n".join(lines) if EXIT_CODES.get(command) or going else ""
