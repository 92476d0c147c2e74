"""`profilegen generate`, in a module of its own (issue 21): a generate run builds only this Click
command, not validate's and rules' (cli/profiles.py), and imports neither of their modules."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from profilegen.cli.app import (
    CaDesign,
    ComponentChoice,
    ComponentOpt,
    ConfigOpt,
    FileTypeOpt,
    ForceOpt,
    FormatChoice,
    ProviderValue,
    StyleChoice,
    StyleOpt,
    app,
    echo_line,
    given_options,
)
from profilegen.cli.identity import (
    AllowExpiredOpt,
    CertOpt,
    ChainOpt,
    IdentityOptions,
    KeyOpt,
    P12Opt,
    PasswordStdinOpt,
)


@app.command()
def generate(
    ctx: typer.Context,
    tenant: Annotated[Optional[str], typer.Option("--tenant", help="Tenant GUID or verified domain (contoso.onmicrosoft.com).  [required unless --config sets it]")] = None,
    client_id: Annotated[Optional[str], typer.Option("--client-id", help="Client ID of the OIDC (public endpoint) app.  [required unless --config sets it]")] = None,
    ropg_client_id: Annotated[Optional[str], typer.Option("--ropg-client-id", help="Client ID for ROPG checks (default: --client-id).")] = None,
    custom_scope: Annotated[Optional[str], typer.Option("--custom-scope", help="api://<app ID URI>/<scope> exposed by the private API app.")] = None,
    ca_design: Annotated[Optional[CaDesign], typer.Option("--ca-design", help="Conditional Access design: scoped-policy (default: MFA policy on the API app) or excluded-api (API app excluded from All cloud apps policies).")] = None,
    discovery_url: Annotated[Optional[str], typer.Option("--discovery-url", help="OIDC discovery document URL.")] = None,
    ropg_discovery_url: Annotated[Optional[str], typer.Option("--ropg-discovery-url", help="Discovery URL for ROPG (AD FS in hybrid setups).")] = None,
    redirect_uri: Annotated[Optional[str], typer.Option("--redirect-uri", help="Redirect URI (default: https://127.0.0.1/jamfconnect).")] = None,
    admin_role: Annotated[Optional[list[str]], typer.Option("--admin-role", help="App role that makes local admins (repeatable).")] = None,
    provider_value: Annotated[
        Optional[ProviderValue],
        typer.Option("--provider-value", help="OIDCProvider and IdPSettings.Provider: Azure (default; every version reads it) or EntraID (Jamf's new name; first release unknown)."),
    ] = None,
    organization: Annotated[Optional[str], typer.Option("--organization", help="PayloadOrganization.  [required unless --config sets it]")] = None,
    identifier: Annotated[Optional[str], typer.Option("--identifier", help="Reverse-DNS base for PayloadIdentifier.  [required unless --config sets it]")] = None,
    component: ComponentOpt = ComponentChoice.both,
    payload_style: StyleOpt = StyleChoice.mcx,
    fmt: FileTypeOpt = FormatChoice.mobileconfig,
    out: Annotated[Optional[str], typer.Option("--out", help="Output directory (created if missing), or - for stdout.  [required]")] = None,
    force: ForceOpt = False,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file in --out is missing or differs from what would be written, 0 if all are identical.")] = False,
    config: ConfigOpt = None,
    cert: CertOpt = None,
    key: KeyOpt = None,
    chain: ChainOpt = None,
    p12: P12Opt = None,
    password_stdin: PasswordStdinOpt = False,
    allow_expired: AllowExpiredOpt = False,
) -> None:
    """Write login window and/or menu bar profiles for Entra ID (signed with --p12 or --cert/--key).

    Required: --tenant, --client-id, --organization, --identifier (each may come from --config
    instead) and --out. A rerun leaves files with identical bytes alone, without --force."""
    from profilegen.core.errors import InputError
    from profilegen.generate.config import load_config
    from profilegen.generate.pipeline import COMPONENTS, review, unused_options
    from profilegen.generate.pipeline import generate as run_generate

    if out is None:
        raise InputError("--out: required; give a directory for the profiles, or - for stdout")
    options = {
        "tenant": tenant,
        "client_id": client_id,
        "ropg_client_id": ropg_client_id,
        "custom_scope": custom_scope,
        "ca_design": ca_design.value if ca_design else None,
        "discovery_url": discovery_url,
        "ropg_discovery_url": ropg_discovery_url,
        "redirect_uri": redirect_uri,
        "admin_roles": tuple(admin_role or ()),
        "provider": provider_value.value if provider_value else None,
        "organization": organization,
        "identifier": identifier,
    }
    cfg = load_config(config, options, stdin=sys.stdin.buffer if str(config) == "-" else None)
    components = COMPONENTS[component.value]
    for note in unused_options(given_options(ctx), components=components, fmt=fmt.value):
        echo_line(note, err=True)
    if check and out == "-":
        raise InputError("--check: compares the files in --out; give the directory, not -")
    if check and force:
        raise InputError("--check writes nothing, so --force has no effect; drop one of them")
    if out == "-" and len(components) != 1:
        raise InputError("--out -: stdout takes one document; add --component login or --component menubar")
    docs = run_generate(cfg, components=components, style=payload_style.value, fmt=fmt.value)
    errors, notes = review(docs, cfg.jamf_connect.targets() if cfg.jamf_connect else None)
    if errors:
        raise InputError(*errors)
    for note in [*cfg.azure.notes(), *(f"note: {n}" for n in notes)]:
        echo_line(note, err=True)
    identity = IdentityOptions(cert, key, chain, p12, password_stdin, allow_expired)
    if out == "-":
        docs = _signed(docs, identity, fmt)
        sys.stdout.buffer.write(docs[0].data)
        sys.stdout.buffer.flush()
        return
    files, drift_notes = _settled(Path(out), [(d.filename, d.data) for d in docs], identity, fmt, check=check)
    if check:
        _check_out(Path(out), files, drift_notes)
    _write_out(Path(out), files, force=force)


def _settled(out: Path, files: list[tuple[str, bytes]], options: IdentityOptions, fmt: FormatChoice, *, check: bool) -> tuple[list[tuple[str, bytes]], dict[str, tuple[str, ...]]]:
    """The bytes to write, signed when an identity is given. As in `variants` (signing/drift.py):
    a signed file on disk whose content is what would be generated, signed by this run's
    certificate, is kept as it is, because a new signature differs in its signing time and would
    make every rerun a change. With --check nothing is signed (--cert alone is enough); a signed
    file that this run would write unsigned is drift, with a note saying why."""
    if fmt is FormatChoice.plist and not options.given and not options.password_stdin:
        return files, {}
    from profilegen.cli.identity import signer_and_signing
    from profilegen.signing.drift import settle_files

    signer, sign = signer_and_signing(options, plist=fmt is FormatChoice.plist, check=check)
    settled = settle_files(out, files, signer=signer, sign=sign)
    return [(name, settled[name].data) for name, _ in files], {n: s.notes for n, s in settled.items() if s.notes}


def _check_out(out: Path, files: list[tuple[str, bytes]], notes: dict[str, tuple[str, ...]]) -> None:
    """`generate --check`: one line per missing or changed file on stdout (with the changed keys
    below it), the count on stderr; exit 0 when every file is identical, 1 otherwise. Other files
    in --out are not generate's business (a directory often holds more), so they are not reported."""
    from profilegen.core.text import plural
    from profilegen.variants.manifest import check_dir

    drift = check_dir(out, files, complete=False)
    changed = dict(drift.changed)
    for name, lines in notes.items():  # a signature in the wrong state is drift too
        if name not in drift.missing:
            rest = [line for line in changed.get(name, []) if not line.startswith("same settings, different bytes")]
            changed[name] = [*lines, *rest]
    missing = set(drift.missing)
    for name, _ in files:
        if name in missing:
            echo_line(f"missing: {out / name}")
        elif name in changed:
            echo_line(f"changed: {out / name}")
            for line in changed[name]:
                echo_line(f"  {line}")
    drifted = len(missing) + len(changed)
    echo_line(f"{plural(len(files) - drifted, 'file')} up to date, {drifted} drifted", err=True)
    raise typer.Exit(1 if drifted else 0)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_out(out: Path, files: list[tuple[str, bytes]], *, force: bool) -> None:
    """Write the files whose bytes differ from the file on disk; an identical file is left alone
    (same inode, same mtime), so a rerun needs no --force. A different file still does."""
    from profilegen.core.errors import OutputExistsError
    from profilegen.variants.manifest import write_plan

    if not force:  # refused up front with a better reason; write_files refuses again under its lock
        differing = [str(out / name) for name, data in files if (out / name).is_file() and _read(out / name) != data]
        if differing:
            verbs = "exists and differs" if len(differing) == 1 else "exist and differ"
            raise OutputExistsError(f"--out: {', '.join(differing)} already {verbs} from what this run writes; "
                                    "pass --force to overwrite (--check lists the changed keys)")
    written = {p.name for p in write_plan(out, files, force=force)[0]}
    for name, _ in files:
        echo_line(f"wrote {out / name}" if name in written else f"unchanged: {out / name} (identical; left as it is)", err=True)


def _signed(docs: list[Any], options: IdentityOptions, fmt: FormatChoice) -> list[Any]:
    """The documents signed with the identity, when one is given (issue 11)."""
    if not options.given and not options.password_stdin:
        return docs
    from dataclasses import replace

    from profilegen.cli.identity import signer_and_signing

    _, sign = signer_and_signing(options, plist=fmt is FormatChoice.plist, check=False)
    assert sign is not None
    return [replace(d, data=sign(d.data)) for d in docs]
