#!/usr/bin/env bash
# Creates the two Jamf Connect app registrations with the Azure CLI (az login first).
# Written by `profilegen azure blueprint`; run it from this directory. Apps that already exist
# (same display name) are reused, so running it twice does not create duplicates.
set -euo pipefail
cd "$(dirname "$0")"
API_NAME='Jamf Connect - Conditional Access Policy API'
APP_NAME='Jamf Connect - OIDC Endpoint'
TENANT_ID=$(az account show --query tenantId -o tsv)

find_app() { az ad app list --display-name "$1" --query "[0].appId" -o tsv; }
# Reads GET /organization JSON on stdin: displayName, or the default verified domain.
az_json_field() {
  python3 -c 'import json, sys
org = json.load(sys.stdin)["value"][0]
if sys.argv[1] == "displayName":
    print(org["displayName"])
else:
    print(next(d["name"] for d in org["verifiedDomains"] if d.get("isDefault")))' "$1"
}

# 1. The private API app: Graph User.Read and the jamfconnect scope, then its App ID URI.
API_APP_ID=$(find_app "$API_NAME")
if [ -z "$API_APP_ID" ]; then
  API_APP_ID=$(az ad app create --display-name "$API_NAME" --sign-in-audience AzureADMyOrg --query appId -o tsv)
fi
API_OBJECT_ID=$(az ad app show --id "$API_APP_ID" --query id -o tsv)
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$API_OBJECT_ID" \
  --headers Content-Type=application/json --body @api-app.json
az ad app update --id "$API_APP_ID" --identifier-uris "api://$API_APP_ID"
az ad sp show --id "$API_APP_ID" >/dev/null 2>&1 || az ad sp create --id "$API_APP_ID" >/dev/null

# 2. The public OIDC app: public client flows on, redirect URI, permissions and app roles.
APP_ID=$(find_app "$APP_NAME")
if [ -z "$APP_ID" ]; then
  APP_ID=$(az ad app create --display-name "$APP_NAME" --sign-in-audience AzureADMyOrg \
    --is-fallback-public-client true --public-client-redirect-uris https://127.0.0.1/jamfconnect --query appId -o tsv)
fi
APP_OBJECT_ID=$(az ad app show --id "$APP_ID" --query id -o tsv)
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT
sed "s/<API_APP_ID>/$API_APP_ID/g" oidc-app.json > "$BODY"
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$APP_OBJECT_ID" \
  --headers Content-Type=application/json --body @"$BODY"
az ad sp show --id "$APP_ID" >/dev/null 2>&1 || az ad sp create --id "$APP_ID" >/dev/null

# 3. Admin consent, Conditional Access (scoped-policy) and user assignment: see CHECKLIST.md.
echo "API app:  $API_APP_ID"
echo "OIDC app: $APP_ID"
echo "--custom-scope api://$API_APP_ID/jamfconnect"
echo "--client-id $APP_ID"
# generate also needs PayloadOrganization and a reverse-DNS identifier: take the tenant's display
# name and its default domain (override with ORGANIZATION=... IDENTIFIER=... before running).
ORG_JSON=$(az rest --method GET --uri "https://graph.microsoft.com/v1.0/organization" -o json)
ORGANIZATION=${ORGANIZATION:-$(printf '%s' "$ORG_JSON" | az_json_field displayName)}
DOMAIN=$(printf '%s' "$ORG_JSON" | az_json_field defaultDomain)
IDENTIFIER=${IDENTIFIER:-$(printf '%s' "$DOMAIN" | awk -F. '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? "." : "")}').jamfconnect}
printf 'profilegen generate --tenant %s --client-id %s --custom-scope %s --ca-design %s --admin-role %s --organization %q --identifier %s --out profiles\n'   "$TENANT_ID" "$APP_ID" "api://$API_APP_ID/jamfconnect" scoped-policy Admin "$ORGANIZATION" "$IDENTIFIER"
