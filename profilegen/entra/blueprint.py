"""The seed's two app registrations as files: Graph bodies, an az script and a checklist.

Jamf's two-app pattern (jamf/jamfconnect azure_conditional_access PDFs, learn.jamf.com, azure-facts
5.3): a private "API" app exposes the scope ``jamfconnect``; the public "OIDC" app, which Jamf
Connect signs in with, asks for it. Both Conditional Access designs use the same two apps; they
differ in which sign-in asks for the scope and in the policies (profilegen.entra.designs; the
checklist is in profilegen.entra.checklist). Why two apps: CA targets the resource requested,
not a public client
(https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-conditional-access-cloud-apps).

Graph properties: https://learn.microsoft.com/en-us/graph/api/resources/application ,
permissionScope and appRole resources (``origin`` is read-only, so it is not sent). Pure: the
functions return bytes; ids are uuid5 of the names, so the same options give the same files.
"""

from __future__ import annotations

import json
import shlex
import uuid
from dataclasses import dataclass
from typing import Any

from profilegen.core.errors import InputError
from profilegen.entra import (
    DEFAULT_ADMIN_ROLE,
    DEFAULT_API_NAME,
    DEFAULT_APP_NAME,
    DEFAULT_STANDARD_ROLE,
)
from profilegen.entra.designs import DEFAULT_DESIGN, DesignName
from profilegen.entra.facts import DEFAULT_REDIRECT_URI, FIDO2_REDIRECT_URI, UNLOCK_REDIRECT_URI

# Microsoft Graph and its delegated User.Read permission (verified ids:
# https://learn.microsoft.com/en-us/graph/migrate-azure-ad-graph-permissions-differences).
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
SCOPE_VALUE = "jamfconnect"
API_APP_ID_PLACEHOLDER = "<API_APP_ID>"  # known only after the API app is created
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://profilegen.invalid/azure-blueprint")


@dataclass(frozen=True)
class BlueprintNames:
    api_name: str = DEFAULT_API_NAME
    app_name: str = DEFAULT_APP_NAME
    admin_role: str = DEFAULT_ADMIN_ROLE
    standard_role: str = DEFAULT_STANDARD_ROLE
    # Features whose redirect URI the OIDC app must list too (issue 20, validate's PG423):
    # passkey/FIDO2 before privilege elevation, and Jamf Unlock.
    fido2_promotion: bool = False
    unlock: bool = False

    @property
    def redirect_uris(self) -> list[str]:
        extra = [FIDO2_REDIRECT_URI] if self.fido2_promotion else []
        return [DEFAULT_REDIRECT_URI, *extra, *([UNLOCK_REDIRECT_URI] if self.unlock else [])]

    def check(self) -> None:
        for option, value in (("--api-name", self.api_name), ("--app-name", self.app_name)):
            if not value.strip() or len(value) > 120 or not value.isprintable():
                raise InputError(f"{option}: {value!r}: give a display name of 1 to 120 printable characters")
        if self.api_name == self.app_name:
            raise InputError("--app-name: same as --api-name; the two registrations need different names")
        for option, value in (("--admin-role", self.admin_role), ("--standard-role", self.standard_role)):
            # appRole.value goes into the roles claim: no spaces, at most 120 characters.
            if not value or len(value) > 120 or any(c.isspace() for c in value) or value.startswith("."):
                raise InputError(f"{option}: {value!r}: an app role value needs 1 to 120 characters and no spaces, e.g. Admin")
        if self.admin_role == self.standard_role:
            raise InputError("--standard-role: same as --admin-role; give two different role values")
        if SCOPE_VALUE in (self.admin_role, self.standard_role):
            # App role and scope values share one namespace in an application object.
            raise InputError(f"--admin-role/--standard-role: {SCOPE_VALUE!r} is the scope's value; choose another role value")


def stable_id(*parts: str) -> str:
    """A GUID derived from names: re-running the blueprint gives the same ids."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def scope_id(names: BlueprintNames) -> str:
    return stable_id(names.api_name, "scope", SCOPE_VALUE)


def _user_read() -> dict[str, Any]:
    return {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": GRAPH_USER_READ, "type": "Scope"}]}


def api_app_body(names: BlueprintNames) -> dict[str, Any]:
    """POST /applications body for the private API app. identifierUris follows after creation."""
    return {
        "displayName": names.api_name,
        "signInAudience": "AzureADMyOrg",
        "requiredResourceAccess": [_user_read()],
        "api": {
            "requestedAccessTokenVersion": 2,
            "oauth2PermissionScopes": [
                {
                    "id": scope_id(names),
                    "value": SCOPE_VALUE,
                    "type": "Admin",
                    "isEnabled": True,
                    "adminConsentDisplayName": "Sign in to Jamf Connect",
                    "adminConsentDescription": "Lets Jamf Connect sign users in to their Mac; a Conditional Access policy on this API applies to that login.",
                }
            ],
        },
    }


def api_post_create_body() -> dict[str, Any]:
    """PATCH /applications/{id} after creation: the App ID URI needs the generated appId."""
    return {"identifierUris": [f"api://{API_APP_ID_PLACEHOLDER}"]}


def _role(names: BlueprintNames, value: str, description: str) -> dict[str, Any]:
    return {
        "id": stable_id(names.app_name, "role", value),
        "value": value,
        "displayName": value,
        "description": description,
        "allowedMemberTypes": ["User"],
        "isEnabled": True,
    }


def oidc_app_body(names: BlueprintNames) -> dict[str, Any]:
    """POST /applications body for the public OIDC app Jamf Connect signs in with."""
    return {
        "displayName": names.app_name,
        "signInAudience": "AzureADMyOrg",
        # "Allow public client flows" = Yes: without it ROPG fails with AADSTS7000218.
        "isFallbackPublicClient": True,
        "publicClient": {"redirectUris": names.redirect_uris},
        "requiredResourceAccess": [
            _user_read(),
            {"resourceAppId": API_APP_ID_PLACEHOLDER, "resourceAccess": [{"id": scope_id(names), "type": "Scope"}]},
        ],
        "appRoles": [
            _role(names, names.admin_role, "Local administrators on Macs signed in with Jamf Connect."),
            _role(names, names.standard_role, "Standard users on Macs signed in with Jamf Connect."),
        ],
    }


def _json_bytes(body: dict[str, Any]) -> bytes:
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def az_script(names: BlueprintNames, design: DesignName = DEFAULT_DESIGN) -> str:
    """Bash that creates (or finds) both apps in order and prints the generate options."""
    q = shlex.quote
    return f"""#!/usr/bin/env bash
# Creates the two Jamf Connect app registrations with the Azure CLI (az login first).
# Written by `profilegen azure blueprint`; run it from this directory. Apps that already exist
# (same display name) are reused, so running it twice does not create duplicates.
set -euo pipefail
cd "$(dirname "$0")"
API_NAME={q(names.api_name)}
APP_NAME={q(names.app_name)}
TENANT_ID=$(az account show --query tenantId -o tsv)

find_app() {{ az ad app list --display-name "$1" --query "[0].appId" -o tsv; }}
# Reads GET /organization JSON on stdin: displayName, or the default verified domain.
az_json_field() {{
  python3 -c 'import json, sys
org = json.load(sys.stdin)["value"][0]
if sys.argv[1] == "displayName":
    print(org["displayName"])
else:
    print(next(d["name"] for d in org["verifiedDomains"] if d.get("isDefault")))' "$1"
}}

# 1. The private API app: Graph User.Read and the {SCOPE_VALUE} scope, then its App ID URI.
API_APP_ID=$(find_app "$API_NAME")
if [ -z "$API_APP_ID" ]; then
  API_APP_ID=$(az ad app create --display-name "$API_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv)
fi
API_OBJECT_ID=$(az ad app show --id "$API_APP_ID" --query id -o tsv)
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$API_OBJECT_ID" \\
  --headers Content-Type=application/json --body @api-app.json
az ad app update --id "$API_APP_ID" --identifier-uris "api://$API_APP_ID"
az ad sp show --id "$API_APP_ID" >/dev/null 2>&1 || az ad sp create --id "$API_APP_ID" >/dev/null

# 2. The public OIDC app: public client flows on, redirect URI, permissions and app roles.
APP_ID=$(find_app "$APP_NAME")
if [ -z "$APP_ID" ]; then
  APP_ID=$(az ad app create --display-name "$APP_NAME" --sign-in-audience AzureADMyOrg \\
    --is-fallback-public-client true --public-client-redirect-uris {q(DEFAULT_REDIRECT_URI)} --query appId -o tsv)
fi
APP_OBJECT_ID=$(az ad app show --id "$APP_ID" --query id -o tsv)
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT
sed "s/{API_APP_ID_PLACEHOLDER}/$API_APP_ID/g" oidc-app.json > "$BODY"
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$APP_OBJECT_ID" \\
  --headers Content-Type=application/json --body @"$BODY"
az ad sp show --id "$APP_ID" >/dev/null 2>&1 || az ad sp create --id "$APP_ID" >/dev/null

# 3. Admin consent, Conditional Access ({design}) and user assignment: see CHECKLIST.md.
echo "API app:  $API_APP_ID"
echo "OIDC app: $APP_ID"
echo "--custom-scope api://$API_APP_ID/{SCOPE_VALUE}"
echo "--client-id $APP_ID"
# generate also needs PayloadOrganization and a reverse-DNS identifier: take the tenant's display
# name and its default domain (override with ORGANIZATION=... IDENTIFIER=... before running).
ORG_JSON=$(az rest --method GET --uri "https://graph.microsoft.com/v1.0/organization" -o json)
ORGANIZATION=${{ORGANIZATION:-$(printf '%s' "$ORG_JSON" | az_json_field displayName)}}
DOMAIN=$(printf '%s' "$ORG_JSON" | az_json_field defaultDomain)
IDENTIFIER=${{IDENTIFIER:-$(printf '%s' "$DOMAIN" | awk -F. '{{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? "." : "")}}').jamfconnect}}
printf 'profilegen generate --tenant %s --client-id %s --custom-scope %s --ca-design %s --admin-role %s --organization %q --identifier %s --out profiles\\n' \
  "$TENANT_ID" "$APP_ID" "api://$API_APP_ID/{SCOPE_VALUE}" {q(design)} {q(names.admin_role)} "$ORGANIZATION" "$IDENTIFIER"
"""


def render_blueprint(names: BlueprintNames, design: DesignName = DEFAULT_DESIGN) -> list[tuple[str, bytes]]:
    """(file name, bytes) for every blueprint file, in a fixed order."""
    from profilegen.entra.checklist import checklist

    names.check()
    return [
        ("api-app.json", _json_bytes(api_app_body(names))),
        ("api-app.post-create.json", _json_bytes(api_post_create_body())),
        ("oidc-app.json", _json_bytes(oidc_app_body(names))),
        ("create-apps.sh", az_script(names, design).encode("utf-8")),
        ("CHECKLIST.md", checklist(names, design).encode("utf-8")),
    ]
