"""Mapping files (`<mappings_dir>/<source>.yml`): how a user's export maps onto the contract.

The format is documented in `mappings/README.md`. Every problem is reported with the file,
the entity and the fix, before any export is read.
"""

from __future__ import annotations

import hashlib
import json
import zoneinfo
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from orchestration.ingest.contract import Contract, EntitySpec
from orchestration.ingest.expressions import expression_problem

# Encoding names a mapping may use -> (DuckDB's CSV encoding, Python codec for the header).
ENCODINGS = {
    "utf-8": ("utf-8", "utf-8-sig"),
    "utf8": ("utf-8", "utf-8-sig"),
    "utf-8-sig": ("utf-8", "utf-8-sig"),
    "latin-1": ("latin-1", "latin-1"),
    "latin1": ("latin-1", "latin-1"),
    "iso-8859-1": ("latin-1", "latin-1"),
    "utf-16": ("utf-16", "utf-16"),
    "utf16": ("utf-16", "utf-16"),
}
FORMATS = ("csv", "jsonl")
_ENTITY_KEYS = {
    "files",
    "format",
    "delimiter",
    "quote",
    "escape",
    "encoding",
    "date_formats",
    "time_zone",
    "columns",
    "description",
}


def _is_time_zone(name: object) -> bool:
    """Whether `name` is an IANA time zone (the one the business's weekdays and months use)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class ColumnSource:
    """Where a canonical column comes from: an export column, or a SQL expression over them."""

    export: str | None = None
    sql: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # export value -> contract value (`values:`)


@dataclass(frozen=True)
class EntityMapping:
    """How the export files of one entity are read and mapped."""

    source: str
    entity: str
    mapping_file: str
    files: tuple[str, ...]
    format: str = "csv"
    delimiter: str = ","
    quote: str = '"'
    escape: str | None = None
    encoding: str = "utf-8"
    date_formats: tuple[str, ...] = ()
    time_zone: str = "UTC"
    columns: tuple[tuple[str, ColumnSource], ...] = ()

    @property
    def duckdb_encoding(self) -> str:
        """The encoding name DuckDB's CSV reader understands."""
        return ENCODINGS[self.encoding][0]

    @property
    def python_codec(self) -> str:
        """The Python codec used to read the header line (drops a UTF-8 byte-order mark)."""
        return ENCODINGS[self.encoding][1]

    @property
    def fingerprint(self) -> str:
        """SHA-256 of this mapping: a rejected file is retried when its mapping changes."""
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()

    def matching_files(self, landing_dir: Path) -> list[Path]:
        """Files (and links, dangling ones too) matched by `files:`, oldest first, then by path."""
        found = {
            p
            for pattern in self.files
            for p in landing_dir.glob(pattern)
            if p.is_file() or p.is_symlink()
        }
        return sorted(found, key=lambda p: (p.lstat().st_mtime_ns, str(p)))


def yaml_problem(exc: yaml.YAMLError) -> str:
    """`not valid YAML at line L, column C: <problem>` (1-based), from PyYAML's error mark."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or exc.__class__.__name__
    return f"not valid YAML{where}: {problem}"


def _fail(where: str, problem: str) -> MappingError:
    return MappingError(f"{where}: {problem}")


def _value_map(where: str, name: str, raw: object) -> tuple[tuple[str, str], ...]:
    if (
        not isinstance(raw, dict)
        or not raw
        or not all(
            isinstance(k, str | int | float | bool) and isinstance(v, str | int | float | bool)
            for k, v in raw.items()
        )
    ):
        raise _fail(
            where,
            f"column `{name}`: `values:` must map export values to contract "
            'values, e.g. {Internet: web, "Customer Care Call": phone}',
        )
    return tuple((str(k), str(v)) for k, v in raw.items())


def _column_source(where: str, name: str, value: object) -> ColumnSource:
    if isinstance(value, str) and value:
        return ColumnSource(export=value)
    if isinstance(value, dict) and set(value) in (
        {"sql"},
        {"sql", "values"},
        {"export"},
        {"export", "values"},
    ):
        values = _value_map(where, name, value["values"]) if "values" in value else ()
        if "export" in value:
            if not isinstance(value["export"], str) or not value["export"]:
                raise _fail(where, f"column `{name}`: `export:` must be an export column name")
            return ColumnSource(export=value["export"], values=values)
        if not isinstance(value["sql"], str):
            raise _fail(where, f"column `{name}`: `sql:` must be a SQL expression (text)")
        problem = expression_problem(value["sql"])
        if problem:
            raise _fail(
                where,
                f"column `{name}`: the `sql:` value must be one expression over "
                f"the export's columns, but {problem}",
            )
        return ColumnSource(sql=value["sql"], values=values)
    raise _fail(
        where,
        f'column `{name}` must be an export column name, {{sql: "..."}} or '
        '{export: "Column", values: {"Export value": contract_value}}',
    )


def _entity_mapping(path: Path, source: str, spec: EntitySpec, raw: object) -> EntityMapping:
    where = f"{path} (entity `{spec.name}`)"
    if not isinstance(raw, dict):
        raise _fail(where, "expected a mapping with `files:` and `columns:`")
    unknown = set(raw) - _ENTITY_KEYS
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}; allowed: {sorted(_ENTITY_KEYS)}")
    files = raw.get("files")
    files = (files,) if isinstance(files, str) else tuple(files or ())
    if not files or not all(isinstance(f, str) and f for f in files):
        raise _fail(where, "`files:` must be a glob (or a list of globs) under the landing folder")
    fmt = raw.get("format", "csv")
    if fmt not in FORMATS:
        raise _fail(where, f"`format: {fmt}` is not supported; use one of {FORMATS}")
    encoding = str(raw.get("encoding", "utf-8")).lower()
    if encoding not in ENCODINGS:
        raise _fail(where, f"`encoding: {encoding}` is not supported; use utf-8, latin-1 or utf-16")
    if fmt == "jsonl" and ENCODINGS[encoding][0] != "utf-8":
        raise _fail(where, "JSON lines files must be utf-8; convert the file or export as CSV")
    date_formats = raw.get("date_formats", [])
    if not isinstance(date_formats, list) or not all(isinstance(f, str) for f in date_formats):
        raise _fail(where, '`date_formats:` must be a list of strptime formats like "%d/%m/%Y"')
    time_zone = raw.get("time_zone", "UTC")
    if not _is_time_zone(time_zone):
        raise _fail(
            where,
            f"`time_zone: {time_zone}` is not a time zone; use an IANA name like "
            '"Europe/London" or "America/New_York" (default UTC)',
        )
    columns = raw.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _fail(where, "`columns:` must map canonical columns to export columns")
    known = {c.name for c in spec.columns}
    unknown_cols = sorted(set(columns) - known)
    if unknown_cols:
        raise _fail(
            where,
            f"unknown canonical column(s) {unknown_cols}; "
            f"contracts/{source}.yml lists: {sorted(known)}",
        )
    missing = [c.name for c in spec.columns if c.required and c.name not in columns]
    if missing:
        raise _fail(
            where,
            f"required column(s) {missing} are not mapped; map each to an export "
            'column, or to {sql: "..."} (a constant is fine)',
        )
    for option in ("delimiter", "quote", "escape"):
        if option in raw and not (isinstance(raw[option], str) and len(raw[option]) == 1):
            raise _fail(where, f'`{option}:` must be a single character, e.g. ";" or "\\t"')
    return EntityMapping(
        source=source,
        entity=spec.name,
        mapping_file=str(path),
        files=files,
        format=fmt,
        delimiter=raw.get("delimiter", ","),
        quote=raw.get("quote", '"'),
        escape=raw.get("escape"),
        encoding=encoding,
        date_formats=tuple(date_formats),
        time_zone=time_zone,
        columns=tuple(
            (name, _column_source(where, name, value)) for name, value in columns.items()
        ),
    )


def load_source_mapping(mappings_dir: Path, source: str, contract: Contract) -> list[EntityMapping]:
    """The entity mappings of `<mappings_dir>/<source>.yml`; none when the file is absent."""
    path = mappings_dir / f"{source}.yml"
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(str(path), yaml_problem(exc)) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("entities"), dict):
        raise _fail(str(path), "expected `source:` and `entities:` at the top level")
    if raw.get("source", source) != source:
        raise _fail(str(path), f"says `source: {raw.get('source')}` but the file is for {source}")
    specs = {e.name: e for e in contract.by_source(source)}
    unknown = sorted(set(raw["entities"]) - set(specs))
    if unknown:
        raise _fail(str(path), f"unknown entities {unknown}; {source} has {sorted(specs)}")
    return [
        _entity_mapping(path, source, specs[name], spec) for name, spec in raw["entities"].items()
    ]
