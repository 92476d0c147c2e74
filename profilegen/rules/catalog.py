"""PG3xx: keys checked against the Jamf Connect catalog (profilegen/catalog/*.json).

validate.py runs catalog.check.check_preferences and maps each issue kind to a code here.
"""

from profilegen.catalog.check import IssueKind
from profilegen.findings import Severity
from profilegen.rules.registry import register

register("PG301", "unknown-key", Severity.WARNING, "catalog",
         """A key the catalog does not know. Jamf Connect ignores unknown keys silently, so a typo
         (OIDCClientId for OIDCClientID) means the setting never takes effect. The message suggests
         the nearest known key by case and edit distance.""")
register("PG302", "wrong-domain", Severity.ERROR, "catalog",
         """A key of the other preference domain: ROPGID at the top level of the login window
         (it lives in com.jamf.connect's IdPSettings), or OIDCClientID in the menu bar profile.
         Jamf Connect never reads it there.""")
register("PG303", "legacy-key", Severity.WARNING, "catalog",
         """A Jamf Connect 1.x key (Verify, Sync or 1.x Login). 2.x ignores it; the message names the
         2.x replacement where one exists.""")
register("PG304", "wrong-type", Severity.ERROR, "catalog",
         """The value has the wrong plist type, e.g. <string>true</string> for a boolean or a string
         where an integer is expected. Jamf Connect treats a mistyped value as unset.""")
register("PG305", "value-not-allowed", Severity.ERROR, "catalog",
         """The value is not one of the values Jamf documents for the key (for example OIDCProvider
         must be one of Azure, EntraID, Okta, ...).""")

CODE_OF_KIND = {
    IssueKind.UNKNOWN: "PG301",
    IssueKind.OTHER_DOMAIN: "PG302",
    IssueKind.LEGACY: "PG303",
    IssueKind.TYPE: "PG304",
    IssueKind.ALLOWED: "PG305",
}
