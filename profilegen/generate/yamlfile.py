"""Read a YAML config or variants file into plain data, or say in one line what is wrong.

Every config is YAML, and JSON is YAML, so scripts write configs with ``json.dumps``. What
PyYAML does not do the way such a file means, or lets through into a later crash, is settled
here, once, for generate, variants and the Entra commands:

- ``"\\ud83d\\ude00"`` (JSON's escape of one emoji as a UTF-16 surrogate pair) becomes the one
  character it encodes, as ``json.loads`` reads it; a lone surrogate is an error naming its key;
- merge keys (``<<: *base``) work; duplicate keys, more than MAX_ALIASES aliases, nesting deeper
  than MAX_DEPTH, a value that contains itself, and aliases that expand to more than MAX_VALUES
  values are errors ("billion laughs" through aliases);
- keys must be text (``on:`` or ``1:`` unquoted are a boolean and a number in YAML);
- integers must fit a plist integer (64 bits): so no 5,000-digit number reaches ``int()``
  or ``repr()``, which refuse those with a message about ``sys.set_int_max_str_digits``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import IO, Any

from profilegen.core.errors import InputError, read_problem
from profilegen.core.text import shown

MAX_BYTES = 1 << 20
MAX_ALIASES = 100
MAX_DEPTH = 100
MAX_VALUES = 100_000
INT_MIN, INT_MAX = -(2**63), 2**64 - 1  # plist integers: signed or unsigned 64-bit
# Longest integer literal that can be in the plist range (with sign, '_' separators, 0b prefix).
MAX_INT_LITERAL = 100
EXTENSION_PREFIX = "x-"
MERGE_TAG = "tag:yaml.org,2002:merge"
PAIR_RE = re.compile("[\ud800-\udbff][\udc00-\udfff]")
SURROGATE_RE = re.compile("[\ud800-\udfff]")


def read_yaml_file(path: Path, *, option: str, stdin: IO[bytes] | None = None) -> dict[str, Any]:
    """The mapping in ``path`` (``-`` with ``stdin``: read that stream), read once.

    Pipes and process substitutions (``/dev/fd/63``) are read like files; only the first
    MAX_BYTES + 1 bytes are ever read, so an endless stream is refused, not buffered.
    """
    source = "<stdin>" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            if stdin is None:
                raise InputError(f"{option}: - (stdin) is not available here; give a file path")
            raw = stdin.read(MAX_BYTES + 1)
        else:
            with open(path, "rb") as stream:
                raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(read_problem(exc, where=f"{option}: {path}", wanted="the path of a YAML config file")) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"{source}: larger than 1 MiB; is this really a profilegen config?")
    return parse_yaml(_decode(raw, source), source=source)


def _decode(raw: bytes, source: str) -> str:
    # Windows PowerShell 5 writes UTF-16 with a BOM by default (Out-File, >); Notepad adds a
    # UTF-8 BOM. Both are plainly text, so both are read; anything else must be UTF-8.
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            break
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        where = f"{source}:{line}" if line else source
        raise InputError(f"{where}: not UTF-8 text; save the file as UTF-8") from None


def parse_yaml(text: str, *, source: str) -> dict[str, Any]:
    """A YAML mapping from ``text``; errors start with ``source`` (and the line where known)."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader(source))  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise InputError(f"{where}: invalid YAML: {shown(exc.problem or '', quote=False)}; fix the syntax") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {shown(str(exc), quote=False)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"{source}: the top level must be a mapping (organization:, identifier:, azure:, ...)")
    cleaned: dict[str, Any] = _clean(data, "", source, ancestors=set(), count=[0])
    # Top-level x-* keys are a place for anchors (`x-common: &common {...}`, merged with
    # `<<: *common`), as in Compose files; nothing else reads them.
    return {k: v for k, v in cleaned.items() if not k.startswith(EXTENSION_PREFIX)}


def _loader(source: str) -> Any:
    import yaml

    def at(mark: Any) -> str:
        return f"{source}:{mark.line + 1}:{mark.column + 1}"

    class Loader(yaml.SafeLoader):
        """SafeLoader with the limits above; nothing but plain data can come out of it."""

        aliases = 0
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                    raise InputError(f"{at(mark)}: more than {MAX_ALIASES} YAML aliases (*name); write the values out")
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                    raise InputError(f"{at(mark)}: nested more than {MAX_DEPTH} levels deep; a config is a few levels deep")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue  # `<<: *base`: merged keys may be overridden by the mapping's own
            key = loader.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                kind = {bool: "a boolean", int: "a number", float: "a number"}.get(type(key), f"a {type(key).__name__}")
                raise InputError(
                    f"{at(key_node.start_mark)}: key {shown(key_node.value if isinstance(key_node.value, str) else key)} "
                    f"is {kind} in YAML, not text; quote it"
                )
            if key in seen:
                raise InputError(f"{at(key_node.start_mark)}: key {shown(key)} appears twice; keep one")
            seen.add(key)
        return loader.construct_mapping(node, deep)

    def construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        # Checked before int() so that a 5,000-digit literal never reaches it.
        if len(str(node.value)) > MAX_INT_LITERAL:
            raise InputError(f"{at(node.start_mark)}: a number of {len(str(node.value))} characters; {_INT_FIX}")
        value = loader.construct_yaml_int(node)
        if not INT_MIN <= value <= INT_MAX:
            raise InputError(f"{at(node.start_mark)}: {value} is outside the 64-bit range of a plist integer; {_INT_FIX}")
        return value

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return Loader


_INT_FIX = "no profile setting holds one; quote it if it is text"


def _clean(value: Any, path: str, source: str, *, ancestors: set[int], count: list[int]) -> Any:
    """``value`` with surrogate pairs joined, as a tree: refuses lone surrogates, values that
    contain themselves and alias expansions beyond MAX_VALUES."""
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise InputError(f"{source}: {path or 'the file'}: aliases expand to more than {MAX_VALUES:,} values; write the values out")
    if isinstance(value, str):
        return _text(value, path, source)
    if isinstance(value, (dict, list)):
        if id(value) in ancestors:
            raise InputError(f"{source}: {path}: the value contains itself (a YAML alias to its own anchor); write it out")
        ancestors.add(id(value))
        try:
            if isinstance(value, list):
                return [_clean(v, f"{path}[{i}]", source, ancestors=ancestors, count=count) for i, v in enumerate(value)]
            out = {}
            for key, item in value.items():
                name = _text(key, f"{path}.{shown(key, quote=False)}" if path else shown(key, quote=False), source)
                out[name] = _clean(item, f"{path}.{name}" if path else name, source, ancestors=ancestors, count=count)
            return out
        finally:
            ancestors.discard(id(value))
    return value


def _text(value: str, path: str, source: str) -> str:
    if not SURROGATE_RE.search(value):
        return value
    joined = PAIR_RE.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), value)
    lone = SURROGATE_RE.search(joined)
    if lone:
        raise InputError(
            f"{source}: {path}: a lone UTF-16 surrogate \\u{ord(lone.group()):04x} (half of an escaped emoji or "
            "other character); write the character itself, or both halves of its \\u escape pair"
        )
    return joined
