"""PG3xx: keys checked against the Jamf Connect catalog (profilegen/catalog/*.json).

validate.py runs catalog.check.check_preferences and maps each issue kind to a code here.
"""

from profilegen.catalog.check import IssueKind
from profilegen.rules.findings import Severity
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

register("PG306", "required-key-missing", Severity.ERROR, "catalog",
         """A key Jamf lists as required is missing or empty: OIDCProvider in the login window,
         IdPSettings and IdPSettings.Provider in the menu bar, and per provider the keys of Jamf's
         minimum-settings table (docs.jamf.com/jamf-connect/2.0.0/administrator-guide/Authentication_Settings.html)
         and the current settings pages: OIDCClientID for OpenID Connect providers, AuthServer for
         Okta, OIDCDiscoveryURL for Custom and PingFederate, and so on. Each requirement names its
         Jamf source in the catalog (field "required") and in the message.""")
register("PG307", "key-relation", Severity.WARNING, "catalog",
         """Two keys that Jamf documents as going together do not: Migrate needs DenyLocal true
         (learn.jamf.com Account_Migration_Settings), CreateJamfConnectPassword needs OIDCNewPassword
         false (Initial_Password_Settings), OIDCAuthServer needs OIDCAccessClientID
         (Advanced_Login_Authentication_Settings); and OIDCAdmin / OIDCAdminAttribute that look
         swapped (OpenID_Connect_User_Role_Settings: the attribute names the claim, OIDCAdmin lists
         the values). Jamf does not say what breaks, hence a warning.""")
register("PG309", "unconfirmed-type", Severity.WARNING, "catalog",
         """The value's type differs from the one the catalog records, but the catalog marks that
         type unconfirmed (confidence "type-unconfirmed", e.g. LoginWindowSize): no Jamf page read
         shows the value format, so this is a prompt to check, never an error.""")

CODE_OF_KIND = {
    IssueKind.UNKNOWN: "PG301",
    IssueKind.OTHER_DOMAIN: "PG302",
    IssueKind.LEGACY: "PG303",
    IssueKind.TYPE: "PG304",
    IssueKind.ALLOWED: "PG305",
    IssueKind.REQUIRED: "PG306",
    IssueKind.RELATION: "PG307",
    IssueKind.UNCONFIRMED_TYPE: "PG309",
}
