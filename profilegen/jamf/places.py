"""Before any write: do the category and computer groups that push is told to use exist?

Jamf Pro refuses an unknown one only when the profile is written (a 409 naming the category or
group), after other profiles may already have been changed. Checking first makes a typo in
``--scope-group`` an input error with nothing sent, which is what the Read Categories and Read
Smart/Static Computer Groups privileges of the API role are for (reference §1).

Lists: Classic API ``/JSSResource/categories`` → ``{"categories": [{"id", "name"}]}`` and
``/JSSResource/computergroups`` → ``{"computer_groups": [{"id", "name", "is_smart"}]}`` (static
and smart groups in one list; PixarAnimationStudios/ruby-jss ``category.rb`` and
``computer_group.rb``, RSRC_BASE and RSRC_LIST_KEY).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from profilegen.jamf.client import Session
from profilegen.jamf.prepare import Prepared


def _names(data: Any, key: str) -> dict[str, str]:
    items = data.get(key) if isinstance(data, dict) else None
    return {i["name"].casefold(): i["name"] for i in items or [] if isinstance(i, dict) and isinstance(i.get("name"), str)}


def missing_places(session: Session, items: Sequence[Prepared]) -> list[str]:
    """One line per category or group named by an option or manifest that Jamf Pro lacks."""
    from profilegen.catalog.check import suggest

    problems: list[str] = []
    wanted = {p.placement.category for p in items if p.placement.category}
    if wanted:
        known = _names(session.get_json("/JSSResource/categories", privilege="Read Categories"), "categories")
        for name in sorted(wanted - set(known.values())):  # exact: the name is sent as written
            hint = suggest(name, list(known.values()))
            problems.append(f"category {name!r}: Jamf Pro has no such category" + (f"; did you mean {hint}?" if hint else "; create it first"))
    # Named as the option names them: a typo in --exclude-group is an "exclude group".
    roles = {"scope group": {g for p in items for g in p.placement.scope_groups or ()},
             "exclude group": {g for p in items for g in p.placement.exclude_groups or ()}}
    if any(roles.values()):
        data = session.get_json("/JSSResource/computergroups", privilege="Read Smart Computer Groups and Read Static Computer Groups")
        known = _names(data, "computer_groups")
        for role, groups in roles.items():
            for name in sorted(groups - set(known.values())):
                hint = suggest(name, list(known.values()))
                problems.append(f"{role} {name!r}: Jamf Pro has no such computer group"
                                + (f"; did you mean {hint}?" if hint else "; create it first"))
    return problems
