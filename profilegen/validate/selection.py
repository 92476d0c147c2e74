"""`validate --select/--ignore CODE`: which findings a run reports (issue 22).

Decisions, and why:
- A code may be a prefix: `PG4` is every Entra ID rule, `PG40` PG401..PG409; `pg4` is the same.
  The rule families are numbered by hundreds (docs/validate.md), so a prefix names a family.
- A code or prefix that no registered rule starts with is bad input (exit 2 naming it): a typo
  such as `PG24O` would otherwise silence nothing, or everything, without a word.
- `--ignore` applies after `--select`: `--select PG4 --ignore PG420` is the Entra rules but one.
- The file-level rules (PG101..PG113: not a plist, unreadable, broken signature, ...) are
  selected and ignored like any other: `--select PG4` asks for the Entra rules only. Who ignores
  PG101 asks for broken files to pass; the docs say so (docs/project-config.md).
- Exit codes follow what is reported: an ignored error no longer fails the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from profilegen.core.errors import InputError

_SHAPE = r"PG\d{0,3}"  # compiled on first use (re's cache): a run without --select or ignore never needs it


@dataclass(frozen=True)
class Selection:
    """The rule codes or prefixes --select keeps and --ignore drops (both empty: every code)."""

    select: tuple[str, ...] = ()  # empty: every code
    ignore: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.select and not self.ignore

    def keeps(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))


def parse_codes(values: Iterable[str], option: str, known: Sequence[str]) -> tuple[str, ...]:
    """Codes or prefixes, upper-cased; each must start at least one code in ``known``.
    A value may hold several codes separated by commas (`--ignore PG420,PG421`)."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if not re.fullmatch(_SHAPE, code):
                raise InputError(f"{option}: {part.strip()!r} is not a rule code; give one such as PG420, or a prefix such as PG4 (profilegen rules lists them)")
            if not any(k.startswith(code) for k in known):
                raise InputError(f"{option}: no rule code starts with {code}; profilegen rules lists the codes")
            out.append(code)
    return tuple(out)


def applied(results: Iterable[Any], selection: Selection) -> Iterator[Any]:
    """Each result with only the findings the selection keeps."""
    if selection.everything:
        yield from results
        return
    for result in results:
        yield replace(result, findings=[f for f in result.findings if selection.keeps(f.code)])
