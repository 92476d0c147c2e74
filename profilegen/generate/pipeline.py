"""generate: config -> rendered, verified documents (bytes). Writing is the caller's job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from profilegen.catalog import DOMAINS, Component
from profilegen.generate.build import identity, preferences, profile
from profilegen.generate.models import OutputFormat, ProfileConfig, Style
from profilegen.generate.render import render_preferences, render_profile

COMPONENTS: dict[str, tuple[Component, ...]] = {
    "login": ("login",),
    "menubar": ("menubar",),
    "both": ("login", "menubar"),
}


@dataclass(frozen=True)
class Document:
    filename: str
    component: Component
    identifier: str | None
    uuid: str | None
    data: bytes
    # What the renderer parsed back from the rendered bytes (and proved equal to the intended
    # data): validate.check_value takes it, so the bytes are not parsed again. Signing replaces
    # ``data`` with an envelope around these same rendered bytes.
    value: Any = field(default=None, compare=False, repr=False)


# Options that set login window keys only (build.login_preferences): with --component menubar
# they change nothing, and saying so beats silence.
LOGIN_ONLY_OPTIONS = {
    "--admin-role": "OIDCAdmin",
    "--discovery-url": "OIDCDiscoveryURL",
    "--custom-scope": "OIDCScopes",
    "--redirect-uri": "OIDCRedirectURI",
}


def unused_options(given: Sequence[str], *, components: Sequence[Component], fmt: OutputFormat) -> list[str]:
    """One ``note:`` line per option given on the command line that has no effect here."""
    notes = []
    if "--payload-style" in given and fmt == "plist":
        notes.append("note: --payload-style has no effect with --file-type plist (a bare preference plist has no payload)")
    if "login" not in components:
        for option, key in LOGIN_ONLY_OPTIONS.items():
            if option in given:
                notes.append(f"note: {option} has no effect with --component menubar (it sets {key}, a login window key)")
    return notes


def review(docs: Sequence[Document], targets: Any = None) -> tuple[list[str], list[str]]:
    """validate's rules over freshly rendered documents: (error lines, note lines).

    The config model checks each input; this catches what only the whole profile shows, e.g. an
    OIDCDiscoveryURL given under login: that names another tenant.
    """
    from profilegen.rules.findings import Severity
    from profilegen.validate.pipeline import check_bytes, version_findings

    errors: list[str] = []
    notes: list[str] = []
    for doc in docs:
        result = check_bytes(doc.data, doc.filename)
        found = result.findings
        if targets is not None and result.document is not None:  # the config's jamf_connect: block
            found = [*found, *version_findings(result.document, doc.data, targets)]
        for f in found:
            line = f"{doc.filename}: {f.key + ': ' if f.key else ''}{f.code} {f.severity.value}: {f.message}"
            (errors if f.severity is Severity.ERROR else notes).append(line)
    return errors, notes


def generate(
    config: ProfileConfig,
    *,
    components: Sequence[Component] = ("login", "menubar"),
    style: Style = "mcx",
    fmt: OutputFormat = "mobileconfig",
    base_identifier: str | None = None,
    label: str = "",
) -> list[Document]:
    """Render one document per component. ``base_identifier`` replaces config.identifier
    (variants use ``<identifier>.<slug>``)."""
    docs = []
    for component in components:
        prefs = preferences(config, component)
        ident = identity(config, component, base=base_identifier, label=label)
        if fmt == "plist":
            data, value = render_preferences(prefs, DOMAINS[component])
            docs.append(Document(f"{ident.identifier}.plist", component, None, None, data, value))
        else:
            data, value = render_profile(profile(prefs, ident, component, style))
            docs.append(Document(f"{ident.identifier}.mobileconfig", component, ident.identifier, ident.uuid, data, value))
    return docs
