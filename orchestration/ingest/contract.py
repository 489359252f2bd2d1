"""The canonical contract (`contracts/*.yml`): every raw entity, its columns and their rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from orchestration.settings import CONTRACTS_DIR

COLUMN_TYPES = ("VARCHAR", "INTEGER", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when available
_COLUMN_KEYS = {
    "type",
    "required",
    "min",
    "max",
    "accepted",
    "pii",
    "pseudonymize",
    "text",
    "description",
}


class ContractError(ValueError):
    """A contract file that does not follow contracts/README.md."""


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column."""

    name: str
    type: str
    required: bool = False
    min: float | None = None
    max: float | None = None
    accepted: tuple[str, ...] | None = None
    pii: bool = False
    pseudonymize: str | None = None
    text: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CheckSpec:
    """A row rule: a DuckDB SQL predicate over canonical columns that must be true."""

    name: str
    sql: str
    reason: str


@dataclass(frozen=True)
class EntitySpec:
    """One canonical entity, stored as `raw.<name>` (and `restricted.<name>_pii`)."""

    name: str
    source: str
    description: str
    business_key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    checks: tuple[CheckSpec, ...] = ()

    def column(self, name: str) -> ColumnSpec:
        """The column called `name` (KeyError if the contract has none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def raw_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns stored in `raw.<entity>`: every column that is not personal data."""
        return tuple(c for c in self.columns if not c.pii)

    @property
    def pii_columns(self) -> tuple[ColumnSpec, ...]:
        """Personal-data columns, stored only in `restricted.<entity>_pii`."""
        return tuple(c for c in self.columns if c.pii)

    @property
    def text_columns(self) -> tuple[ColumnSpec, ...]:
        """Free-text columns scored by text analytics."""
        return tuple(c for c in self.columns if c.text)

    @property
    def pseudonymized_columns(self) -> tuple[ColumnSpec, ...]:
        """Columns replaced by an HMAC pseudonym at ingest."""
        return tuple(c for c in self.columns if c.pseudonymize)


@dataclass(frozen=True)
class Contract:
    """Every entity of every source, in contract-file order."""

    entities: dict[str, EntitySpec]

    @property
    def sources(self) -> tuple[str, ...]:
        """Source names (reviews, surveys, crm, hr)."""
        return tuple(dict.fromkeys(e.source for e in self.entities.values()))

    def by_source(self, source: str) -> tuple[EntitySpec, ...]:
        """Entities of one source."""
        return tuple(e for e in self.entities.values() if e.source == source)


def _column(entity: str, name: str, raw: dict) -> ColumnSpec:
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise ContractError(f"{entity}.{name}: unknown keys {sorted(unknown)}")
    if raw.get("type") not in COLUMN_TYPES:
        raise ContractError(f"{entity}.{name}: type must be one of {COLUMN_TYPES}")
    accepted = raw.get("accepted")
    return ColumnSpec(
        name=name,
        type=raw["type"],
        required=bool(raw.get("required", False)),
        min=raw.get("min"),
        max=raw.get("max"),
        accepted=tuple(str(v).lower() for v in accepted) if accepted else None,
        pii=bool(raw.get("pii", False)),
        pseudonymize=raw.get("pseudonymize"),
        text=raw.get("text"),
        description=raw.get("description", ""),
    )


def _entity(source: str, name: str, raw: dict) -> EntitySpec:
    columns = tuple(_column(name, col, spec) for col, spec in raw["columns"].items())
    entity = EntitySpec(
        name=name,
        source=source,
        description=" ".join(str(raw.get("description", "")).split()),
        business_key=tuple(raw.get("business_key", ())),
        columns=columns,
        checks=tuple(CheckSpec(**check) for check in raw.get("checks", ())),
    )
    if not entity.business_key:
        raise ContractError(f"{name}: business_key is required")
    for key in entity.business_key:
        if entity.column(key).pii:
            raise ContractError(f"{name}: business key {key} cannot be personal data")
    return entity


@cache
def load_contract(contracts_dir: Path = CONTRACTS_DIR) -> Contract:
    """Read every `contracts/<source>.yml` into one :class:`Contract`."""
    entities: dict[str, EntitySpec] = {}
    for path in sorted(contracts_dir.glob("*.yml")):
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise ContractError(
                f"{path}: not valid YAML{at}: {getattr(exc, 'problem', None) or type(exc).__name__}"
            ) from exc
        for name, spec in raw["entities"].items():
            if name in entities:
                raise ContractError(f"{path.name}: entity {name} is already defined")
            entities[name] = _entity(raw["source"], name, spec)
    return Contract(entities=entities)
