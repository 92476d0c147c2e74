"""How `--help` reads: flags as flags, values by what they are (FILE, DIR, TEXT), arguments by
name in capitals, required ones marked, old option names left out, and the exit codes last
(cli/vocabulary.py). Typer's default shows `<bool>`, `<str>` and `{file}`."""

from __future__ import annotations

import math
import re
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperCommand

from profilegen.cli.vocabulary import REQUIRED, command_name, epilog, old_names
from profilegen.core.errors import InputError
from profilegen.core.text import one_line

# Typer's type labels -> what a person types there.
_LABELS = {"str": "TEXT", "list[str]": "TEXT", "file": "FILE", "path": "PATH", "list[Path]": "FILE", "filename": "FILE",
           "dir": "DIR", "float": "NUMBER", "float range": "NUMBER", "int": "INTEGER", "int range": "INTEGER"}
# Options whose value names a directory although it is declared as text.
_DIR_OPTIONS = {"--out": "DIR"}


def type_label(param: Any, ctx: Any) -> str:
    """Typer's name for a parameter's type ("str", "file", "float range", "a|b"), for every typer
    the project allows: 0.29 has display_type(); 0.26-0.28 keep Click's ParamType."""
    if hasattr(param, "display_type"):
        return re.sub(r"^<(.*)>$", r"\1", param.display_type(ctx) or "")
    kind = param.type
    if getattr(kind, "choices", None):
        return "|".join(str(getattr(c, "value", c)) for c in kind.choices)
    if hasattr(kind, "file_okay"):
        return "dir" if not kind.file_okay else "file" if not kind.dir_okay else "path"
    return str({"text": "str", "integer": "int"}.get(kind.name, kind.name))


def value_name(param: Any, ctx: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    label = type_label(param, ctx)
    if "|" in label:
        return label.replace("list[", "").rstrip("]")
    for opt in param.opts:
        if opt in _DIR_OPTIONS:
            return _DIR_OPTIONS[opt]
    return _LABELS.get(label, label.upper() or "VALUE")


def argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return name + "..." if param.nargs != 1 and not name.endswith("...") else name


class Command(TyperCommand):
    """Every profilegen command: the usage line and option table as described above."""

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        # Completion teaches the current names only, as --help does.
        hidden = {o.old for o in old_names(command_name(ctx))}
        return [item for item in super().shell_complete(ctx, incomplete) if item.value not in hidden]

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        super().format_epilog(ctx, formatter)
        text = epilog(command_name(ctx))
        if text:
            formatter.write("\n" + text + "\n")

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            _refuse_non_finite(self, ctx, args)
            _refuse_empty_paths(self, ctx, args)
            rest = super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            exc.ctx = exc.ctx or ctx  # so the message can say which command's --help to read
            raise
        _refuse_non_utf8(self, ctx)
        return rest

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        name = command_name(ctx)
        hidden = {o.old for o in old_names(name)}  # old names work, but are not taught
        marks = REQUIRED.get(name, {})
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                required = "  [required]" if param.required else ""
                args.append((argument_name(param), f"{getattr(param, 'help', None) or ''}{required}"))
                continue
            if param.param_type_name != "option" or getattr(param, "hidden", False):
                continue
            record = param.get_help_record(ctx)
            if record is None:
                continue
            shown = [o for o in param.opts if o not in hidden] or param.opts
            names = click.formatting.join_options(shown)[0]
            if getattr(param, "secondary_opts", None):  # --all-computers / --no-all-computers
                names += " / " + click.formatting.join_options(param.secondary_opts)[0]
            if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
                names += f" {value_name(param, ctx)}"
            text = record[1]
            mark = marks.get(param.opts[0])
            if mark and "[required" not in text:
                text = f"{text}  {mark}" if text else mark
            opts.append((names, text))
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        if opts:
            with formatter.section("Options"):
                formatter.write_dl(opts)


def plain_help(app: typer.Typer) -> None:
    """Give every command of ``app`` and its sub-apps the Command class and plain help."""
    app.rich_markup_mode = None
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = Command
    for group in app.registered_groups:
        if group.typer_instance is not None:
            plain_help(group.typer_instance)


def _refuse_non_finite(command: Any, ctx: Any, args: list[str]) -> None:
    """`--timeout nan` passes a range check (every comparison with NaN is false) and Typer then
    reports it as too large; name it for what it is. Same for inf and every number option."""
    numeric = {opt: p for p in command.params if p.param_type_name == "option"
               for opt in p.opts if type_label(p, ctx).startswith("float")}
    for n, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in numeric and (eq or n + 1 < len(args)):
            raw = value if eq else args[n + 1]
            try:
                number = float(raw)
            except ValueError:
                continue
            if not math.isfinite(number):
                raise click.exceptions.BadParameter(f"{raw!r} is not a finite number", ctx=ctx, param=numeric[name])


# Text options that name files (generate's and sign's --out): a file name may hold any bytes
# (Python hands undecodable ones over as lone surrogates, surrogateescape) and the file is
# found by those bytes, so they stay. Options typed Path or File are not text.
FILE_PARAMETERS = frozenset({"out", "output"})
# Options a command checks itself, with a message that says more (jamf push refuses control and
# bidi characters too in what it sends inside Jamf Pro's XML, cli/jamf.py): left to it.
OWN_TEXT_CHECKS = {"push": frozenset({"--name", "--description", "--category", "--scope-group", "--exclude-group"})}
_SURROGATES = re.compile("[\ud800-\udfff]")


def not_utf8(option: str, value: str) -> str | None:
    """The problem with text ``value`` of ``option`` when it holds bytes that are not UTF-8
    (lone surrogates), else None. Such text cannot be written into a profile, a form body or
    a report, so it is refused here, at the edge, with exit 2 (issue 19: it was exit 70)."""
    found = _SURROGATES.findall(value)
    if not found:
        return None
    raw = " ".join(f"0x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"U+{ord(c):04X}" for c in found[:4])
    return f"{option}: {one_line(value[:80])} holds bytes that are not UTF-8 ({raw}); give it as UTF-8 text"


def _refuse_non_utf8(command: Any, ctx: Any) -> None:
    """Every text option, as parsed (so a new option is covered without a line here). Arguments
    are file names but for `rules` CODES, which says "no such rule code" itself."""
    for param in command.params:
        if param.param_type_name != "option" or param.opts[0] in OWN_TEXT_CHECKS.get(command.name or "", ()):
            continue
        # Text only: Click names its string type "text", Typer's vendored Click "str"; Path,
        # File and choices are other types.
        if param.name in FILE_PARAMETERS or getattr(param.type, "name", "") not in ("text", "str"):
            continue
        value = ctx.params.get(param.name or "")
        for item in value if isinstance(value, (list, tuple)) else [value]:
            problem = not_utf8(param.opts[0], item) if isinstance(item, str) else None
            if problem:
                raise InputError(problem)


def _refuse_empty_paths(command: Any, ctx: Any, args: list[str]) -> None:
    """`--out ''` would become Path('.'), the current directory, before we could see it."""
    paths = {opt: p for p in command.params if p.param_type_name == "option"
             for opt in p.opts if opt == "--out" or value_name(p, ctx) in ("FILE", "DIR", "PATH")}
    for n, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in paths and ((eq and value == "") or (not eq and n + 1 < len(args) and args[n + 1] == "")):
            what = "a directory (. for the current one)" if value_name(paths[name], ctx) == "DIR" else "a file"
            raise click.exceptions.BadParameter(f"empty; give {what}", ctx=ctx, param=paths[name])
