"""push and pull inputs: the URL, the credentials, and the files (manifest.json expanded).

Credentials never come from an argument (they would sit in shell history and in ``ps``):
an API client (PROFILEGEN_JAMF_CLIENT_ID, or --jamf-client-id, + PROFILEGEN_JAMF_CLIENT_SECRET)
first, a user account (PROFILEGEN_JAMF_USERNAME + PROFILEGEN_JAMF_PASSWORD) as the fallback;
a missing secret or password comes from --password-stdin or a hidden prompt.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from profilegen.core.errors import InputError, read_problem
from profilegen.core.transport import check_url, redact
from profilegen.jamf.client import Credentials
from profilegen.jamf.wire import Placement
from profilegen.profile.read import MAX_BYTES

_SURROGATE = re.compile("[\ud800-\udfff]")
ENV_CLIENT_ID = "PROFILEGEN_JAMF_CLIENT_ID"
ENV_CLIENT_SECRET = "PROFILEGEN_JAMF_CLIENT_SECRET"
ENV_USERNAME = "PROFILEGEN_JAMF_USERNAME"
ENV_PASSWORD = "PROFILEGEN_JAMF_PASSWORD"
PLACEMENT_KEYS = ("category", "description", "self_service", "redeploy", "all_computers", "scope_groups", "exclude_groups")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def jamf_url(url: str | None, config: Path | None, *, allow_http_loopback: bool) -> str:
    """--url, else jamf.url in --config; https only (http://127.0.0.1:<port> when allowed)."""
    what = "--url"
    if config is not None:
        # Read a given --config even when --url makes its jamf.url unneeded: a config that cannot
        # be read is a mistake to report, not something to skip silently.
        from profilegen.generate.config import read_yaml

        block = read_yaml(config).get("jamf")
        if url is None:
            url = block.get("url") if isinstance(block, Mapping) else None
            what = f"{config}: jamf.url"
    if not isinstance(url, str) or not url.strip():
        raise InputError("--url: required; give your Jamf Pro URL, e.g. https://example.jamfcloud.com (or jamf.url in --config)")
    url = url.strip()
    check_url(url, what=what, allow_http_loopback=allow_http_loopback, https_only="Jamf Pro is reached over https:// only")
    if "?" in url or "#" in url:
        raise InputError(f"{what}: {redact(url)} has a query or fragment; give the server's base URL")
    return url.rstrip("/")


def credentials(
    *, client_id: str | None, environ: Mapping[str, str], secret_stdin: bool, read_stdin: Callable[[], str],
    prompt: Callable[[str], str],
) -> Credentials:
    client = (client_id or environ.get(ENV_CLIENT_ID) or "").strip()
    user = (environ.get(ENV_USERNAME) or "").strip()
    if client:
        kind, ident, env, label = "client", client, ENV_CLIENT_SECRET, "client secret"
    elif user:
        kind, ident, env, label = "user", user, ENV_PASSWORD, "password"
    else:
        raise InputError(f"credentials: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (an API client), or {ENV_USERNAME} "
                         f"and {ENV_PASSWORD} (a user account); see docs/jamf-pro.md")
    if secret_stdin:
        source = "--password-stdin"
        try:
            value = read_stdin().split("\n", 1)[0].removesuffix("\r")
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text; pipe the {label} in UTF-8") from None
    elif environ.get(env):
        value, source = environ[env], env
    else:
        value, source = prompt(f"Jamf Pro {label} for {ident}: "), f"{label} prompt"
    if not value:
        raise InputError(f"{source}: empty {label}; set {env}, pipe it to --password-stdin or type it at the prompt")
    # A lone surrogate is a byte that was not UTF-8 (os.environ and the prompt decode with
    # surrogateescape): it cannot be sent, and the encoder's error would surface far from here.
    id_source = "--jamf-client-id" if client_id else (ENV_CLIENT_ID if kind == "client" else ENV_USERNAME)
    for text, where in ((ident, id_source), (value, source)):
        if _SURROGATE.search(text):
            raise InputError(f"{where}: holds bytes that are not UTF-8; give it as UTF-8 text")
    return Credentials("client" if kind == "client" else "user", ident, SecretStr(value))


def placement_of(block: Mapping[str, Any] | None, options: Mapping[str, Any]) -> Placement:
    """A manifest's jamf: block with the command-line options on top (None = not given)."""
    values = {k: v for k, v in (block or {}).items() if k in PLACEMENT_KEYS and v is not None}
    values.update({k: v for k, v in options.items() if v is not None})
    for key in ("scope_groups", "exclude_groups"):
        if key in values:
            values[key] = tuple(values[key])
    return Placement(**values)


@dataclass(frozen=True)
class Item:
    file: str
    data: bytes
    name: str | None = None
    jamf: Mapping[str, Any] = field(default_factory=dict)


def read_items(paths: list[Path], *, name: str | None) -> list[Item]:
    """Each FILE, with manifest.json files expanded into the profiles they list."""
    items: list[Item] = []
    for path in paths:
        if path.name == "manifest.json":
            items += _manifest(path)
        else:
            items.append(Item(str(path), _read(path, "FILE")))
    if name is not None:
        if len(items) != 1:
            raise InputError(f"--name: names one profile, but {len(items)} are pushed; use it with one FILE")
        items[0] = replace(items[0], name=name)
    return items


def _read(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(read_problem(exc, where=f"{what}: {path}", wanted="a .mobileconfig, a plist or a manifest.json")) from None


def _manifest(path: Path) -> list[Item]:
    """The files of a variants manifest, checked against the sha256 it recorded. The whole
    manifest is checked before any file is read and before anything is sent: a bad value in the
    last variant must not leave the first variants' profiles pushed."""
    try:
        data = json.loads(_read(path, "FILE"))
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply to be a manifest; give the manifest.json variants wrote") from None
    except ValueError:  # UnicodeDecodeError included
        data = None
    variants = data.get("variants") if isinstance(data, dict) else None
    if not isinstance(variants, list):
        raise InputError(f"{path}: not a manifest written by profilegen variants; give its manifest.json")
    problems: list[str] = []
    wanted: list[tuple[Path, str, str | None, dict[str, Any]]] = []
    for i, variant in enumerate(variants):
        where = f"{path}: variants[{i}]"
        if not isinstance(variant, dict):
            problems.append(f"{where}: not an object; run variants again")
            continue
        block, trouble = _jamf_block(variant.get("jamf"), where)
        problems += trouble
        files = variant.get("files")
        if not isinstance(files, list):
            problems.append(f"{where}.files: not a list of files; run variants again")
            continue
        for j, entry in enumerate(files):
            problem = _entry_problem(entry)
            if problem:
                problems.append(f"{where}.files[{j}]: {problem}; run variants again")
            else:
                wanted.append((path.parent / entry["path"], entry["sha256"], entry.get("jamf_name"), block))
    if problems:
        raise InputError(*problems)
    items = []
    for file, digest, jamf_name, block in wanted:
        content = _read(file, str(path))
        if hashlib.sha256(content).hexdigest() != digest:
            raise InputError(f"{file}: changed since variants wrote {path}; run variants again")
        items.append(Item(str(file), content, jamf_name, block))
    if not items:
        raise InputError(f"{path}: lists no files; run variants first")
    return items


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return "not an object with path and sha256"
    name = entry.get("path")
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name in (".", "..") or "\x00" in name:
        # variants writes every file beside manifest.json: a path elsewhere is not one of its files.
        return "path: not the name of a file beside manifest.json"
    if not isinstance(entry.get("sha256"), str) or not _SHA256.fullmatch(entry["sha256"]):
        return "sha256: not a sha256 in hex"
    jamf_name = entry.get("jamf_name")
    if jamf_name is not None and (not isinstance(jamf_name, str) or not jamf_name.strip()):
        return "jamf_name: not a name"
    return None


def _jamf_block(block: Any, where: str) -> tuple[dict[str, Any], list[str]]:
    """A manifest's jamf: block checked with the variants file's own rules (JamfSettings), in
    strict mode: JSON true/false only ("false" and "no" are refused: read loosely, "false" is a
    non-empty string), lists of strings, the redeploy values. ``url`` and ``name`` never appear
    in a manifest (variants leaves them out)."""
    if block is None:
        return {}, []
    if not isinstance(block, dict):
        return {}, [f"{where}.jamf: not an object; run variants again"]
    from pydantic import ValidationError

    from profilegen.generate.models import JamfSettings

    unknown = sorted(str(k) for k in block if k not in PLACEMENT_KEYS)
    if unknown:
        return {}, [f"{where}.jamf.{unknown[0]}: not a jamf: setting ({', '.join(PLACEMENT_KEYS)}); run variants again"]
    try:
        settings = JamfSettings.model_validate_json(json.dumps(block), strict=True)
    except ValueError as exc:  # ValidationError is a ValueError
        if not isinstance(exc, ValidationError):
            return {}, [f"{where}.jamf: not readable as a jamf: block; run variants again"]
        return {}, [f"{where}.jamf.{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
    return settings.model_dump(exclude_none=True, exclude={"url", "name"}, mode="json"), []
