"""The command line before any parser reads it: pre-commit's hook form, and which command lines
validate's fast path takes (issue 21). No typer here: this decides whether typer is loaded.

"""

from __future__ import annotations

from collections.abc import Mapping

# pre-commit runs ENTRY + ARGS + FILES (pre-commit.com/#hooks-entry; it has no separator of its
# own, pre-commit/pre-commit.com#318). The validate hook's entry ends with "--", so no committed
# file name (a file called "--output=planted.plist") can be read as an option (issue 19). A
# user's options then follow that "--" and end with a second one: `args: [--strict, --]`
# gives `validate -- --strict -- FILES`, read here as `validate --strict -- FILES`. A file name
# cannot play the second "--": the hook passes only names ending in .mobileconfig or .plist.
HOOK_PREFIX = ["validate", "--"]


def hook_arguments(args: list[str]) -> list[str]:
    """``args`` with a pre-commit hook's options (between ``validate --`` and a second ``--``)
    moved in front of the first ``--``; any other command line is returned as it is."""
    if args[:2] != HOOK_PREFIX or "--" not in args[2:]:
        return args
    end = args.index("--", 2)
    return ["validate", *args[2:end], "--", *args[end + 1:]]


def completing(environ: Mapping[str, str]) -> bool:
    """The shell asks Click for completions (`_PROFILEGEN_COMPLETE`, or any `_*_COMPLETE`)."""
    return any(k.startswith("_") and k.endswith("_COMPLETE") for k in environ)


def plain_validate_paths(args: list[str], environ: Mapping[str, str]) -> list[str] | None:
    """The paths of `validate PATH...` or `validate -- PATH...` (``args`` after hook_arguments)
    when the line holds no option, so that Click would only collect the paths and pass every
    other parameter its default; None for any other command line, which the Typer app reads.

    Click reads a token as an option when it starts with "-" and is longer than "-" (its parser's
    `arg[:1] in prefixes and len(arg) > 1`; every option of ours starts with "-"), and every token
    after the first "--" as an argument. So `-` (stdin) is a path, `-h`, `--strict` or `-x` send
    the line to Typer with its usage errors and help unchanged, and so do no paths at all (Click's
    "missing argument") and shell completion."""
    if args[:1] != ["validate"] or completing(environ):
        return None
    rest = args[1:]
    head, tail = (rest[: rest.index("--")], rest[rest.index("--") + 1:]) if "--" in rest else (rest, [])
    if any(token.startswith("-") and token != "-" for token in head):
        return None
    return (head + tail) or None
