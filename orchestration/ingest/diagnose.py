"""What a mapping makes of an export file: fill rates, masked samples, errors and their fixes.

Used twice: by `empathy check-mapping` (read into a throwaway in-memory database, nothing
loaded) and by ingestion (on the same temp tables, before the rows are stored), so the
per-file summary of `empathy run` and the check say the same thing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.ingest.checked_rows import CHECKED_TABLE, check_rows
from orchestration.ingest.contract import Contract, EntitySpec, load_contract
from orchestration.ingest.ledger import fingerprint_file
from orchestration.ingest.mapped_rows import MAPPED_TABLE, MappedColumns, map_columns
from orchestration.ingest.mapping import EntityMapping, MappingError, load_source_mapping
from orchestration.ingest.pseudonyms import Pseudonymizer
from orchestration.ingest.reader import stage_export
from orchestration.ingest.results import FileRejected
from orchestration.ingest.sql_text import quote_identifier, sql_literal
from orchestration.settings import Settings

_SAMPLES = 3
_SAMPLE_CHARS = 40
# Files in the landing folder that are the pipeline's own, never an export.
_OWN_FILES = {"ground_truth.json"}


@dataclass(frozen=True)
class ColumnFill:
    """One mapped canonical column: where it comes from, how often it is filled, samples."""

    name: str
    source: str
    filled: int
    rows: int
    samples: tuple[str, ...]

    @property
    def fill_rate(self) -> float:
        """Share of rows with a value (0 when the file has no rows)."""
        return self.filled / self.rows if self.rows else 0.0


@dataclass
class FileDiagnosis:
    """Everything `check-mapping` says about one file for one entity."""

    path: str
    source: str
    entity: str
    rows: int = 0
    columns_found: tuple[str, ...] = ()
    fills: list[ColumnFill] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quarantine_reasons: list[tuple[str, int]] = field(default_factory=list)
    would_quarantine: int = 0


def _source_text(mapping: EntityMapping, name: str) -> str:
    src = dict(mapping.columns)[name]
    text = f'"{src.export}"' if src.export is not None else f"sql: {src.sql}"
    return text + (" (with values:)" if src.values else "")


def _sample(value: object, personal: bool, pseudonym: bool) -> str:
    if personal:
        return "<personal: hidden>"
    if pseudonym:
        return "<pseudonym>"
    text = str(value).replace("\n", " ")
    return text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 3] + "..."


def diagnose_mapped(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    mapping: EntityMapping,
    mapped: MappedColumns,
    diagnosis: FileDiagnosis,
    strict: bool = True,
) -> FileDiagnosis:
    """Fill `diagnosis` from MAPPED_TABLE and CHECKED_TABLE (both must exist).

    A mapped column missing from the file is always an error. A text column whose values are
    all blank is an error when `strict` (check-mapping), a warning at ingest (a small file may
    truly have no comments).
    """
    sources = dict(mapping.columns)
    (rows,) = con.execute(f"SELECT count(*) FROM {MAPPED_TABLE}").fetchone()
    diagnosis.rows = rows
    where = f"`{spec.name}` in {mapping.mapping_file}"
    for col in spec.columns:
        if col.name not in sources:
            continue
        ident = quote_identifier(col.name)
        (filled,) = con.execute(f"SELECT count({ident}) FROM {MAPPED_TABLE}").fetchone()
        samples = (
            con.execute(
                f"SELECT DISTINCT {ident} FROM {MAPPED_TABLE} WHERE {ident} IS NOT NULL "
                f"LIMIT {_SAMPLES}"
            ).fetchall()
            if filled
            else []
        )
        diagnosis.fills.append(
            ColumnFill(
                col.name,
                _source_text(mapping, col.name),
                filled,
                rows,
                tuple(_sample(v, col.pii, bool(col.pseudonymize)) for (v,) in samples),
            )
        )
        if col.name in mapped.missing_optional:
            src = sources[col.name]
            what = (
                f'export column "{src.export}"'
                if src.export is not None
                else "an expression over columns"
            )
            # A JSON lines record may leave out an optional key; a CSV header may not.
            (diagnosis.errors if mapping.format == "csv" else diagnosis.warnings).append(
                f"{diagnosis.path}: column `{col.name}` is mapped to {what} that is not in this "
                f"file, so it would load empty. Fix the mapping of `{col.name}` for {where} "
                f"(the file's columns are: {', '.join(diagnosis.columns_found)})."
            )
        elif col.text and rows and not filled:
            (diagnosis.errors if strict else diagnosis.warnings).append(
                f"{diagnosis.path}: text column `{col.name}` would load empty (no row has a "
                f"value in {_source_text(mapping, col.name)}). Map `{col.name}` for {where} to "
                "the export column that holds the text."
            )
        if col.accepted and filled:
            outside = con.execute(
                f"SELECT lower({ident}) AS v, count(*) FROM {MAPPED_TABLE} "
                f"WHERE lower({ident}) NOT IN ({', '.join(map(sql_literal, col.accepted))}) "
                f"GROUP BY v ORDER BY count(*) DESC, v LIMIT 5"
            ).fetchall()
            if outside:
                found = ", ".join(f'"{_sample(v, False, False)}" ({n} rows)' for v, n in outside)
                diagnosis.warnings.append(
                    f"{diagnosis.path}: `{col.name}` has values outside the contract "
                    f"({', '.join(col.accepted)}): {found}; those rows go to quarantine. "
                    f"Translate them with `values:` under `{col.name}` for {where}, e.g. "
                    f'{{export: ..., values: {{"{outside[0][0]}": {col.accepted[0]}}}}}.'
                )
    diagnosis.quarantine_reasons = [
        (r, n)
        for r, n in con.execute(
            f"SELECT r, count(*) FROM (SELECT unnest(_reasons) AS r FROM {CHECKED_TABLE}) "
            "GROUP BY r ORDER BY count(*) DESC, r LIMIT 3"
        ).fetchall()
    ]
    (diagnosis.would_quarantine,) = con.execute(
        f"SELECT count(*) FROM {CHECKED_TABLE} WHERE len(_reasons) > 0"
    ).fetchone()
    if rows and diagnosis.would_quarantine == rows:
        diagnosis.warnings.append(
            f"{diagnosis.path}: every one of its {rows} rows would go to quarantine (top reason: "
            f"{diagnosis.quarantine_reasons[0][0]}). Fix the mapping for {where}."
        )
    return diagnosis


def diagnose_file(
    path: Path, landing_dir: Path, spec: EntitySpec, mapping: EntityMapping, scratch: Path
) -> FileDiagnosis:
    """Read `path` as `mapping` says into an in-memory database; nothing is loaded anywhere."""
    label = path.relative_to(landing_dir).as_posix()
    diagnosis = FileDiagnosis(path=label, source=spec.source, entity=spec.name)
    con = duckdb.connect()
    try:
        staged = stage_export(
            con, path, label, mapping, fingerprint_file(path), keep_raw_lines=False, scratch=scratch
        )
        diagnosis.columns_found = staged.columns
        if staged.malformed:
            diagnosis.warnings.append(
                f"{label}: {staged.malformed} row(s) cannot be split into "
                "the header's fields and would go to quarantine."
            )
        # A throwaway key: samples of pseudonymized columns are never shown anyway.
        mapped = map_columns(con, spec, mapping, staged, label, Pseudonymizer(os.urandom(32)))
        check_rows(con, spec, mapped.types, mapping.date_formats, mapping.time_zone)
        diagnose_mapped(con, spec, mapping, mapped, diagnosis)
        diagnosis.would_quarantine += staged.malformed
    except (FileRejected, OSError) as exc:
        diagnosis.errors.append(str(exc))
    finally:
        con.close()
    return diagnosis


def unclaimed_files(settings: Settings, contract: Contract) -> list[str]:
    """Landing files that no mapping's `files:` matches (named, never silently ignored)."""
    landing = settings.landing_dir
    if not landing.is_dir():
        return []
    claimed: set[Path] = set()
    for source in contract.sources:
        try:
            mappings = load_source_mapping(settings.mappings_dir, source, contract)
        except MappingError:
            continue
        for m in mappings:
            claimed.update(m.matching_files(landing))
    return sorted(
        p.relative_to(landing).as_posix()
        for p in landing.rglob("*")
        if (p.is_file() or p.is_symlink())
        and p not in claimed
        and p.name not in _OWN_FILES
        and not any(part.startswith(".") for part in p.relative_to(landing).parts)
    )


@dataclass
class MappingCheck:
    """The outcome of `check-mapping`: per-file diagnoses, mapping errors, unclaimed files."""

    files: list[FileDiagnosis] = field(default_factory=list)
    mapping_errors: list[str] = field(default_factory=list)
    unclaimed: list[str] = field(default_factory=list)
    unmatched_patterns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No error anywhere (warnings allowed)."""
        return not self.mapping_errors and not any(f.errors for f in self.files)


def check_mappings(
    settings: Settings, sources: list[str] | None = None, contract: Contract | None = None
) -> MappingCheck:
    """Diagnose every file every mapping of `sources` (default: all) claims."""
    contract = contract or load_contract()
    result = MappingCheck(unclaimed=unclaimed_files(settings, contract))
    with tempfile.TemporaryDirectory(prefix="empathy-check-") as scratch:
        for source in sources or list(contract.sources):
            if source not in contract.sources:
                result.mapping_errors.append(
                    f"unknown source `{source}`; sources are {', '.join(contract.sources)}"
                )
                continue
            try:
                mappings = load_source_mapping(settings.mappings_dir, source, contract)
            except MappingError as exc:
                result.mapping_errors.append(str(exc))
                continue
            for m in mappings:
                files = (
                    m.matching_files(settings.landing_dir) if settings.landing_dir.is_dir() else []
                )
                if not files:
                    result.unmatched_patterns.append(
                        f"{m.mapping_file} (entity `{m.entity}`): no landing file matches "
                        f"{', '.join(m.files)}"
                    )
                for path in files:
                    result.files.append(
                        diagnose_file(
                            path,
                            settings.landing_dir,
                            contract.entities[m.entity],
                            m,
                            Path(scratch),
                        )
                    )
    return result


def format_check(check: MappingCheck) -> str:
    """The human-readable report printed by `empathy check-mapping`."""
    lines: list[str] = []
    for problem in check.mapping_errors:
        lines.append(f"ERROR {problem}")
    for d in check.files:
        lines.append(
            f"\n{d.path} -> {d.source}.{d.entity}: {d.rows} rows, "
            f"{d.would_quarantine} would be quarantined"
        )
        if d.columns_found:
            lines.append(f"  columns found: {', '.join(d.columns_found)}")
        for f in d.fills:
            samples = "; ".join(f.samples) if f.samples else "-"
            lines.append(
                f"  {f.name:<22} <- {f.source:<28} filled {f.fill_rate:6.1%}  e.g. {samples}"
            )
        for reason, n in d.quarantine_reasons:
            lines.append(f"  quarantine reason ({n} rows): {reason}")
        lines += [f"  ERROR {e}" for e in d.errors]
        lines += [f"  WARNING {w}" for w in d.warnings]
    for pattern in check.unmatched_patterns:
        lines.append(f"NOTE {pattern}")
    for path in check.unclaimed:
        lines.append(
            f"WARNING landing file {path} is claimed by no mapping and is ignored; add "
            "its name to `files:` of the right entity in mappings/<source>.yml"
        )
    errors = len(check.mapping_errors) + sum(len(d.errors) for d in check.files)
    lines.append(f"\n{len(check.files)} file(s) checked, {errors} error(s); nothing was loaded.")
    return "\n".join(lines).lstrip("\n")


__all__ = [
    "FileDiagnosis",
    "MappingCheck",
    "check_mappings",
    "diagnose_mapped",
    "format_check",
    "unclaimed_files",
]
