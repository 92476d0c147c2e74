"""Text that came from outside (files, servers, configs): what counts as a control character."""

from __future__ import annotations

import re

# C0 control characters other than tab, line feed and carriage return, and DEL: never valid in
# an identifier, organization name or plist string we write.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
