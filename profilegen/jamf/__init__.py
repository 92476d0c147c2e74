"""Jamf Pro: push profiles idempotently (push), download what is deployed (pull).

Every Jamf Pro behaviour encoded here comes from ../shared/reference/jamf-pro-api.md, which
names its sources; the comments next to the code repeat the source of each one.

May import: core, catalog, rules, profile, validate, generate, variants.
"""

from __future__ import annotations

# macOS configuration profiles exist only in the Classic API (reference §2: the Jamf Pro API
# has no create or update call for them; JamfUploader and both Terraform providers use this).
PROFILES = "/JSSResource/osxconfigurationprofiles"
# Privileges of an API role, as Jamf Pro names them (reference §1, "API Role Privileges").
READ = "Read macOS Configuration Profiles"
CREATE = "Create macOS Configuration Profiles"
UPDATE = "Update macOS Configuration Profiles"
PRIVILEGES = (CREATE, READ, UPDATE, "Read Categories", "Read Smart Computer Groups", "Read Static Computer Groups")
