"""PG1xx: reading the file. These checks run inside read.py; the registry holds their docs."""

from profilegen.rules.findings import Severity
from profilegen.rules.registry import register

register("PG101", "not-well-formed", Severity.ERROR, "file",
         """The file is not well-formed XML (or not a plist at all). macOS refuses to install it and
         Jamf Pro rejects the upload. The message gives the line and column of the first error.""")
register("PG102", "dtd-entity", Severity.ERROR, "file",
         """The file declares DTD entities. Property lists never need them; they are how XXE
         (reading local files) and "billion laughs" (memory exhaustion) attacks work. profilegen
         never expands or fetches them and reads nothing further from such a file.""")
register("PG103", "plist-structure", Severity.ERROR, "file",
         """The XML does not follow Apple's plist DTD (checked against profilegen's XSD for it):
         e.g. a dict value without its key, an unknown element, or an integer that is not a number.""")
register("PG104", "duplicate-key", Severity.ERROR, "file",
         """A dictionary holds the same key twice. Parsers keep only one of the values (which one
         differs between implementations), so the setting is ambiguous; keep one.""")
register("PG105", "too-large", Severity.ERROR, "file",
         """The file exceeds the size limit (4 MiB) or holds too many objects. Jamf Connect
         profiles are a few KiB; such a file is not read further.""")
register("PG106", "unreadable", Severity.ERROR, "file",
         """The file could not be decoded: a corrupt binary plist, a broken CMS signature
         envelope, or bytes that are no property list at all.""")
register("PG107", "too-deep", Severity.ERROR, "file",
         """Dictionaries and arrays are nested deeper than 100 levels. Jamf Connect settings are at
         most four levels deep; this is a damaged or hostile file.""")
register("PG108", "signed-profile", Severity.INFO, "file",
         """The profile is signed (CMS SignedData). The payload was extracted and checked, the
         signature verified, and the signer (named by issuer and serial number or by subject key
         identifier) is reported. With --ca-file the chain is checked too. Jamf Pro strips or
         refuses signatures on API upload; upload signed profiles in the web interface.""")
register("PG109", "not-jamf-connect", Severity.INFO, "file",
         """The file or payload configures another preference domain (Apple's PPPC, notifications,
         com.jamf.connect.actions, ...). Its envelope is checked; its keys are passed over.""")
register("PG110", "domain-guess", Severity.INFO, "file",
         """A bare preference plist whose file name does not name its domain; profilegen inferred
         it from the keys. Pass --domain login|menubar to state it.""")
register("PG111", "signature-broken", Severity.ERROR, "file",
         """The signature does not verify: the content digest differs (the profile was edited after
         signing) or the signature over the signed attributes fails, or it cannot be checked (the
         signer's certificate is missing). macOS shows such a profile as unverified or refuses it.
         Sign it again (profilegen sign --resign).""")
register("PG112", "signer-certificate", Severity.WARNING, "file",
         """The signature is intact but the signer's certificate is unfit: expired or not yet valid,
         an RSA key under 2048 bits or EC under 256, or a purpose (extended key usage) that is not
         code signing, Developer ID Installer or S/MIME. macOS shows the profile as unverified.""")
register("PG113", "signer-untrusted", Severity.ERROR, "file",
         """Only with validate --ca-file: the signer's chain does not lead to a certificate in the
         given bundle (another CA, a self-signed signer, or an expired intermediate).""")
