"""Load a generate config: YAML file first, command-line options on top, validated once.

Errors name where the bad value came from: the option (``--tenant``) or the file and field
(``contoso.yaml: azure.tenant``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from profilegen.core.errors import InputError

if TYPE_CHECKING:  # pydantic stays off the start-up path
    from profilegen.generate.models import ProfileConfig

# Command-line option for each azure field, as generate spells them.
AZURE_OPTIONS = {
    "tenant": "--tenant",
    "client_id": "--client-id",
    "ropg_client_id": "--ropg-client-id",
    "custom_scope": "--custom-scope",
    "ca_design": "--ca-design",
    "discovery_url": "--discovery-url",
    "ropg_discovery_url": "--ropg-discovery-url",
    "redirect_uri": "--redirect-uri",
    "admin_roles": "--admin-role",
    "provider": "--provider-value",
}
TOP_OPTIONS = {"organization": "--organization", "identifier": "--identifier"}


def read_yaml(path: Path, *, option: str = "--config", stdin: IO[bytes] | None = None) -> dict[str, Any]:
    """A YAML mapping from ``path`` (``-``: from ``stdin``); read errors name ``option`` (the
    command's file argument). The rules are in profilegen.generate.yamlfile."""
    from profilegen.generate.yamlfile import read_yaml_file

    return read_yaml_file(path, option=option, stdin=stdin)


def merge_options(
    data: Mapping[str, Any], options: Mapping[str, Any], *, source: str | None
) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """Put command-line values over the file's and remember where each field came from.

    Returns the merged raw dict and a map from field location to a label for messages.
    """
    merged = dict(data)
    azure = merged.get("azure")
    azure = dict(azure) if isinstance(azure, Mapping) else azure
    labels: dict[tuple[str, ...], str] = {}
    prefix = f"{source}: " if source else ""
    for key in data:
        labels[(str(key),)] = f"{prefix}{key}"
    if isinstance(azure, dict):
        for key in azure:
            labels[("azure", str(key))] = f"{prefix}azure.{key}"
    for field, option in TOP_OPTIONS.items():
        if options.get(field) is not None:
            merged[field] = options[field]
            labels[(field,)] = option
    given = {f: options[f] for f in AZURE_OPTIONS if options.get(f) not in (None, (), [])}
    if given:
        azure = azure if isinstance(azure, dict) else {}
        for field, value in given.items():
            azure[field] = value
            labels[("azure", field)] = AZURE_OPTIONS[field]
    merged["azure"] = {} if azure is None else azure  # so each missing azure field is named
    return merged, labels


def validate_config(
    raw: Mapping[str, Any], labels: Mapping[tuple[str, ...], str], *, source: str | None, cli_options: bool = True
) -> ProfileConfig:
    """Validate the merged dict into a ProfileConfig, or raise InputError with one line per problem."""
    from pydantic import ValidationError

    from profilegen.generate.models import ProfileConfig

    try:
        return ProfileConfig.model_validate(dict(raw))
    except ValidationError as exc:
        lines = format_errors(exc, labels, source=source, cli_options=cli_options)
        # A field error stops pydantic before the model-level extras check: run it anyway so
        # that every problem is reported in one go.
        from profilegen.generate.extras import extras_problems

        login, menubar, azure = raw.get("login") or {}, raw.get("menubar") or {}, raw.get("azure") or {}
        if isinstance(login, dict) and isinstance(menubar, dict) and isinstance(azure, dict):
            prefix = f"{source}: " if source else ""
            given = {str(k) for k, v in azure.items() if v not in (None, (), [])}
            more = extras_problems(login, menubar, azure_fields=given)
            lines += [f"{prefix}{p}" for p in more if f"{prefix}{p}" not in lines]
        raise InputError(*lines) from None


def format_errors(
    exc: Any, labels: Mapping[tuple[str, ...], str], *, source: str | None, cli_options: bool = True
) -> list[str]:
    """One line per pydantic error, naming the option or file field. ``cli_options`` False: the
    command has no such options (variants), so name only the config field."""
    from profilegen.catalog.check import suggest
    from profilegen.generate.models import AzureSettings, ProfileConfig

    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(str(p) for p in err["loc"])
        kind = err["type"]
        msg = str(err.get("ctx", {}).get("error", "")) or err["msg"]
        if kind == "value_error" and not err.get("ctx"):
            msg = err["msg"].removeprefix("Value error, ")
        if kind in TYPE_WORDS:
            got = _yaml_type(err["input"])
            what, fix = TYPE_WORDS[kind]
            lines.append(f"{_label(loc, labels, source)}: must be {what}, not {got}; {fix}")
            continue
        if kind == "missing":
            lines.append(_missing(loc, source, cli_options=cli_options))
            continue
        if kind == "extra_forbidden":
            fields = list((AzureSettings if loc[:1] == ("azure",) else ProfileConfig).model_fields)
            hint = suggest(loc[-1], fields)
            where = f"{source}: " if source else ""
            lines.append(
                f"{where}{'.'.join(loc)}: unknown field" + (f"; did you mean {hint}?" if hint else f"; known: {', '.join(fields)}")
            )
            continue
        if not loc or loc == ("azure",):
            # Model-level checks: each line starts with the field or key path it is about.
            for line in msg.split("\n"):
                field, sep, rest = line.partition(": ")
                if loc == ("azure",) and sep:
                    lines.append(f"{_label(('azure', field), labels, source)}: {rest}")
                else:
                    lines.append(f"{source}: {line}" if source else line)
            continue
        label = _label(loc, labels, source)
        if kind.endswith("_type"):
            msg = f"{msg} (got {type(err['input']).__name__})"
        lines.append(f"{label}: {msg}")
    return lines


# What pydantic's type errors mean in a YAML file ("Input should be a valid dictionary or
# instance of AzureSettings" names a Python class the user never wrote).
TYPE_WORDS = {
    "model_type": ("a mapping of fields", "indent 'name: value' lines under it"),
    "model_attributes_type": ("a mapping of fields", "indent 'name: value' lines under it"),
    "dict_type": ("a mapping of keys", "indent 'key: value' lines under it"),
    "string_type": ("text", "quote it"),
    "tuple_type": ("a list", "write [Admin, Other] or one '- Admin' line per item"),
    "list_type": ("a list", "write [Admin, Other] or one '- Admin' line per item"),
}


def _yaml_type(value: Any) -> str:
    """The YAML word for a Python value's type, for messages."""
    from profilegen.catalog.check import plist_type_name

    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    name = plist_type_name(value)
    return {"string": "text", "integer": "a number", "real": "a number", "boolean": "true/false"}.get(name, name)


def _label(loc: tuple[str, ...], labels: Mapping[tuple[str, ...], str], source: str | None) -> str:
    """Where a field came from: ``--admin-role[1]`` for an option, ``file: azure.admin_roles.1``."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in labels:
            base, rest = labels[loc[:n]], loc[n:]
            if not rest:
                return base
            return base + "".join(f"[{r}]" for r in rest) if base.startswith("--") else base + "." + ".".join(rest)
    return (f"{source}: " if source else "") + ".".join(loc)


def _missing(loc: tuple[str, ...], source: str | None, *, cli_options: bool) -> str:
    field = loc[-1] if loc else "?"
    option = AZURE_OPTIONS.get(field) if loc[:1] == ("azure",) else TOP_OPTIONS.get(field)
    if not cli_options:
        return f"{source}: {'.'.join(loc)}: required; set it in the base or in this variant" if source else f"{'.'.join(loc)}: required"
    in_file = f"{'.'.join(loc)} in {source}" if source else ".".join(loc) + " in a --config file"
    if option:
        return f"{option}: required; pass {option} or set {in_file}"
    return f"{'.'.join(loc)}: required; set {in_file}"


def load_config(path: Path | None, options: Mapping[str, Any], *, stdin: IO[bytes] | None = None) -> ProfileConfig:
    """The one entry point: file (optional; ``-`` reads ``stdin``) + options -> ProfileConfig."""
    data = read_yaml(path, stdin=stdin) if path is not None else {}
    source = None if path is None else "<stdin>" if str(path) == "-" else str(path)
    merged, labels = merge_options(data, options, source=source)
    return validate_config(merged, labels, source=source)
