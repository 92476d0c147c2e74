"""The Entra ID side (issue 5): ROPG password check, sign-in log triage, app registration blueprint,
the Conditional Access check against a profile's design (issue 17: ca*.py) and read-only Graph (graph.py).

Core modules only: they return values or raise ``profilegen.core.errors`` exceptions, never print.
This file stays import-free so that the CLI can read the defaults below without slowing
``profilegen --help``.

May import: core.
"""

# Display names from Jamf's Conditional Access guide (jamf/jamfconnect azure_conditional_access).
DEFAULT_API_NAME = "Jamf Connect - Conditional Access Policy API"
DEFAULT_APP_NAME = "Jamf Connect - OIDC Endpoint"
DEFAULT_ADMIN_ROLE = "Admin"
DEFAULT_STANDARD_ROLE = "Standard"
