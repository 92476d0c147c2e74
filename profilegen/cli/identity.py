"""The signing identity options, declared once for sign, generate and variants, and where the
key password comes from: PROFILEGEN_KEY_PASSWORD, --password-stdin, or a hidden prompt on a
terminal. Never an argument (it would show in `ps` and the shell history), never printed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

if TYPE_CHECKING:
    from profilegen.signing.identity import Identity, Password

PANEL = "Signing"
ENV = "PROFILEGEN_KEY_PASSWORD"

CertOpt = Annotated[Optional[Path], typer.Option("--cert", help="Signer certificate (PEM).", rich_help_panel=PANEL)]
KeyOpt = Annotated[Optional[Path], typer.Option("--key", help="Its private key (PEM; may be encrypted).", rich_help_panel=PANEL)]
ChainOpt = Annotated[
    Optional[Path], typer.Option("--chain", help="Intermediate certificates to include (PEM; a root in it is left out).", rich_help_panel=PANEL)
]
P12Opt = Annotated[
    Optional[Path], typer.Option("--p12", help="Identity exported from Keychain Access (.p12), instead of --cert/--key.", rich_help_panel=PANEL)
]
PasswordStdinOpt = Annotated[
    bool, typer.Option("--password-stdin", help=f"Read the key or .p12 password from stdin (else ${ENV}, else a prompt).", rich_help_panel=PANEL)
]
AllowExpiredOpt = Annotated[bool, typer.Option("--allow-expired", help="Sign with an expired or not yet valid certificate.", rich_help_panel=PANEL)]


@dataclass(frozen=True)
class IdentityOptions:
    cert: Optional[Path] = None
    key: Optional[Path] = None
    chain: Optional[Path] = None
    p12: Optional[Path] = None
    password_stdin: bool = False
    allow_expired: bool = False

    @property
    def given(self) -> bool:
        return any((self.cert, self.key, self.chain, self.p12))


def _password_source(opts: IdentityOptions, *, stdin_taken: bool) -> Any:
    from profilegen.core.errors import InputError
    from profilegen.signing.identity import Password

    def source(what: str) -> Optional[Password]:
        if opts.password_stdin:
            if stdin_taken:
                raise InputError("--password-stdin: stdin already carries a profile (-); use $" + ENV)
            from profilegen.core.stdin import secret_line

            return Password(secret_line(sys.stdin.buffer))
        env = os.environb.get(ENV.encode())
        if env is not None:
            return Password(env)
        if sys.stdin.isatty() and sys.stderr.isatty():
            import getpass

            return Password(getpass.getpass(f"Password for {what}: ").encode("utf-8"))
        return None

    return source


def load_identity(opts: IdentityOptions, *, stdin_taken: bool = False) -> Optional[Identity]:
    """The checked identity, or None when no identity option was given. InputError otherwise."""
    from profilegen.core.errors import InputError
    from profilegen.signing.identity import check_identity, load_p12_identity, load_pem_identity

    if not opts.given:
        if opts.password_stdin:
            raise InputError("--password-stdin: only with --p12 or --key; give the identity to sign with")
        return None
    if opts.p12 and (opts.cert or opts.key or opts.chain):
        raise InputError("--p12: give either --p12 or --cert/--key [--chain], not both")
    source = _password_source(opts, stdin_taken=stdin_taken)
    if opts.p12:
        identity = load_p12_identity(opts.p12, source)
    elif opts.cert is None:
        raise InputError("--cert: required with --key/--chain; give the signer certificate (PEM), or use --p12")
    else:
        identity = load_pem_identity(opts.cert, opts.key, opts.chain, source)
    check_identity(identity, allow_expired=opts.allow_expired)
    return identity


def load_signer_certificate(opts: IdentityOptions) -> Any:
    """For `variants --check`: the signer certificate only; --cert needs no key (CI has no secrets)."""
    if opts.cert is not None and opts.p12 is None:
        from profilegen.signing.identity import load_certificates

        return load_certificates(opts.cert, "--cert")[0]
    identity = load_identity(opts)
    return identity.cert if identity else None


def signer_and_signing(opts: IdentityOptions, *, plist: bool, check: bool) -> tuple[Any, Any]:
    """(signer certificate, function that signs bytes) for generate and variants. A bare plist
    cannot be signed; with --check only the certificate is needed (--cert alone is enough, CI has
    no key); without an identity both are None."""
    from profilegen.core.errors import InputError

    if plist:
        raise InputError("--file-type plist: a bare preference plist cannot be signed; use --file-type mobileconfig")
    if check:
        return load_signer_certificate(opts), None
    identity = load_identity(opts)
    if identity is None:
        return None, None
    from profilegen.signing.sign import sign_bytes

    return identity.cert, (lambda data: sign_bytes(data, identity))
