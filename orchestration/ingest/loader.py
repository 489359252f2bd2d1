"""Ingest the export files of a source: one transaction and one ledger row per file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.errors import is_transient
from orchestration.ingest.checked_rows import CHECKED_TABLE, check_rows
from orchestration.ingest.contract import Contract, EntitySpec, load_contract
from orchestration.ingest.diagnose import FileDiagnosis, diagnose_mapped
from orchestration.ingest.landing_files import clean_scratch, link_problem
from orchestration.ingest.ledger import (
    FileFingerprint,
    earlier_outcome,
    fingerprint_file,
    next_seq,
    placeholder_hash,
    record_file,
    utc_now,
)
from orchestration.ingest.mapped_rows import MAPPED_TABLE, map_columns
from orchestration.ingest.mapping import EntityMapping, load_source_mapping
from orchestration.ingest.pseudonyms import Pseudonymizer, checked_pseudonymizer
from orchestration.ingest.reader import EXPORT_TABLE, MALFORMED_TABLE, stage_export
from orchestration.ingest.results import BatchValidator, FileRejected, FileResult
from orchestration.ingest.sandbox import restrict_file_access
from orchestration.ingest.sql_text import column_list, redact
from orchestration.ingest.tables import (
    LINEAGE_COLUMNS,
    QUARANTINE,
    ensure_tables,
    pii_table,
    pii_table_columns,
    raw_table,
)
from orchestration.settings import Settings

_TEMP_TABLES = (EXPORT_TABLE, MALFORMED_TABLE, MAPPED_TABLE, CHECKED_TABLE)


def _validate(
    spec: EntitySpec, label: str, con: duckdb.DuckDBPyConnection, validate_batch: BatchValidator
) -> tuple[str, str]:
    """Run the batch validator on the valid rows: (ledger validation status, message)."""
    relation = (
        f"(SELECT {column_list([c.name for c in spec.raw_columns])} "
        f"FROM {CHECKED_TABLE} WHERE len(_reasons) = 0)"
    )
    verdict = validate_batch(spec.name, con, relation)
    if verdict.passed:
        return "passed", ""
    if verdict.blocking:
        rows = con.execute(f"SELECT count(*) FROM {relation} AS _batch").fetchone()
        raise FileRejected(
            f"{label}: its {rows[0] if rows else 0} valid rows failed validation "
            f"({verdict.message}). Fix the export and drop it again; nothing "
            "from it was loaded.",
            validation="failed",
        )
    return "warning", f"validation warning: {verdict.message}"


def _store(
    con: duckdb.DuckDBPyConnection, spec: EntitySpec, label: str, file_hash: str, seq: int
) -> None:
    """Insert valid rows into raw (and personal data into restricted), the rest into quarantine."""
    lineage = [file_hash, seq, utc_now()]
    lineage_cols = column_list([name for name, _ in LINEAGE_COLUMNS])
    tables = [(raw_table(spec.name), [c.name for c in spec.raw_columns])]
    if spec.pii_columns:
        tables.append((pii_table(spec.name), list(pii_table_columns(spec))))
    for table, names in tables:
        con.execute(
            f"INSERT INTO {table} ({column_list(names)}, {lineage_cols}) "
            f"SELECT {column_list(names)}, ?, _row_number, ?, ? "
            f"FROM {CHECKED_TABLE} WHERE len(_reasons) = 0",
            lineage,
        )
    con.execute(
        f"""
        INSERT INTO {QUARANTINE}
        SELECT $seq, $hash, $path, $entity, _row_number, _reasons, _original, $now
        FROM {CHECKED_TABLE} WHERE len(_reasons) > 0
        UNION ALL
        SELECT $seq, $hash, $path, $entity, _row_number, [reason], original_values, $now
        FROM {MALFORMED_TABLE}
    """,
        {"seq": seq, "hash": file_hash, "path": label, "entity": spec.name, "now": lineage[2]},
    )


def _load(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    spec: EntitySpec,
    mapping: EntityMapping,
    fingerprint: FileFingerprint,
    seq: int,
    pseudonymizer: Pseudonymizer,
    validate_batch: BatchValidator | None,
    scratch: Path | None,
) -> tuple[FileResult, str | None]:
    """Stage, map, check, validate and store one file inside the caller's transaction."""
    staged = stage_export(
        con,
        path,
        label,
        mapping,
        fingerprint,
        keep_raw_lines=not spec.pseudonymized_columns,
        scratch=scratch,
    )
    mapped = map_columns(con, spec, mapping, staged, label, pseudonymizer)
    check_rows(con, spec, mapped.types, mapping.date_formats, mapping.time_zone)
    diagnosis = diagnose_mapped(
        con,
        spec,
        mapping,
        mapped,
        FileDiagnosis(label, spec.source, spec.name, columns_found=staged.columns),
        strict=False,
    )
    if diagnosis.errors:
        raise FileRejected(
            " ".join(diagnosis.errors) + " Nothing from the file was loaded; it "
            "is retried when the mapping changes (`empathy check-mapping` shows "
            "what the mapping makes of it)."
        )
    validation, notes = None, []
    if validate_batch is not None:
        validation, note = _validate(spec, label, con, validate_batch)
        notes += [note] if note else []
    _store(con, spec, label, fingerprint.sha256, seq)
    valid, invalid = con.execute(
        f"SELECT count(*) FILTER (len(_reasons) = 0), count(*) FILTER (len(_reasons) > 0) "
        f"FROM {CHECKED_TABLE}"
    ).fetchone()
    quarantined = invalid + staged.malformed
    notes += [w.removeprefix(f"{label}: ") for w in diagnosis.warnings]
    if quarantined and diagnosis.quarantine_reasons:
        notes.append("top quarantine reason: " + diagnosis.quarantine_reasons[0][0])
    result = FileResult(
        path=label,
        source=spec.source,
        entity=spec.name,
        file_hash=fingerprint.sha256,
        status="loaded",
        rows_read=valid + quarantined,
        rows_loaded=valid,
        rows_quarantined=quarantined,
        message="; ".join([f"{valid} rows loaded, {quarantined} quarantined", *notes]),
        ignored_columns=mapped.ignored,
        ledger_seq=seq,
    )
    return result, validation


def _unreadable_file_problem(path: Path, landing_dir: Path, label: str) -> str | None:
    problem = link_problem(path, landing_dir, label)
    if problem is None:
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError as exc:
            problem = (
                f"{label}: the file cannot be read ({exc.strerror or type(exc).__name__}). "
                "Make it readable by the user running the pipeline (e.g. `chmod a+r`); "
                "it is loaded on the next run."
            )
    return problem


def _reject_unreadable(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    label: str,
    spec: EntitySpec,
    mapping: EntityMapping,
    problem: str,
) -> FileResult:
    """One rejected ledger row for a file whose bytes were not read (once per state of it)."""
    try:
        facts = path.lstat()
        file_hash = placeholder_hash(label, facts.st_size, facts.st_mtime_ns, facts.st_mode)
    except OSError:
        file_hash = placeholder_hash(label)
    base = {"path": label, "source": spec.source, "entity": spec.name, "file_hash": file_hash}
    earlier = earlier_outcome(con, file_hash, spec.name, label, mapping.fingerprint)
    if earlier is not None:
        status, seq, _, message = earlier
        return FileResult(**base, status=status, message=message, ledger_seq=seq, recorded=False)
    result = FileResult(**base, status="rejected", message=problem, ledger_seq=next_seq(con))
    record_file(
        con, result, validation=None, started_at=utc_now(), size=0, mapping_hash=mapping.fingerprint
    )
    return result


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    landing_dir: Path,
    spec: EntitySpec,
    mapping: EntityMapping,
    pseudonymizer: Pseudonymizer,
    validate_batch: BatchValidator | None = None,
    scratch: Path | None = None,
) -> FileResult:
    """Ingest one export file for one entity, unless the ledger says it is already done.

    Whatever goes wrong with the file itself (a link leading outside the landing folder, a
    dangling link, an unreadable or unparseable file) ends as a rejected ledger row naming the
    file, the cause and the fix; only transient database errors (a lock) are raised.
    """
    label = path.relative_to(landing_dir).as_posix()
    problem = _unreadable_file_problem(path, landing_dir, label)
    if problem is None:
        try:
            fingerprint = fingerprint_file(path)
        except OSError as exc:
            problem = (
                f"{label}: reading the file failed ({exc.strerror or type(exc).__name__}); "
                "check the disk and the file, it is tried again when it changes."
            )
    if problem is not None:
        return _reject_unreadable(con, path, label, spec, mapping, problem)
    base = {
        "path": label,
        "source": spec.source,
        "entity": spec.name,
        "file_hash": fingerprint.sha256,
    }
    ledger_args = {"size": fingerprint.size, "mapping_hash": mapping.fingerprint}
    earlier = earlier_outcome(con, fingerprint.sha256, spec.name, label, mapping.fingerprint)
    if earlier is not None:
        status, seq, earlier_path, message = earlier
        if earlier_path == label and status == "rejected":
            return FileResult(
                **base, status=status, message=message, ledger_seq=seq, recorded=False
            )
        if earlier_path == label:
            return FileResult(
                **base,
                status="skipped",
                ledger_seq=seq,
                recorded=False,
                message=f"already ingested (ledger seq {seq})",
            )
        result = FileResult(
            **base,
            status="skipped",
            ledger_seq=next_seq(con),
            message=f"same content as {earlier_path} (ledger seq {seq}); nothing new to load",
        )
        record_file(con, result, validation=None, started_at=utc_now(), **ledger_args)
        return result
    seq, started = next_seq(con), utc_now()
    con.begin()
    try:
        result, validation = _load(
            con,
            path,
            label,
            spec,
            mapping,
            fingerprint,
            seq,
            pseudonymizer,
            validate_batch,
            scratch,
        )
        record_file(con, result, validation=validation, started_at=started, **ledger_args)
        con.commit()
    except Exception as exc:  # every per-file failure becomes a ledger row
        con.rollback()
        if is_transient(exc):
            raise
        message = (
            str(exc)
            if isinstance(exc, FileRejected)
            else (
                f"{label}: could not be loaded ({type(exc).__name__}: {redact(exc)}); nothing from "
                "it was loaded. Fix the file (or its mapping) and drop it again."
            )
        )
        result = FileResult(**base, status="rejected", message=message, ledger_seq=seq)
        record_file(
            con,
            result,
            validation=getattr(exc, "validation", None),
            started_at=started,
            **ledger_args,
        )
    for table in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return result


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    source: str,
    validate_batch: BatchValidator | None = None,
    contract: Contract | None = None,
) -> list[FileResult]:
    """Ingest every new export file of `source` found by its mapping in the landing folder.

    A source without a mapping file or without a landing folder yields no results; every
    raw table exists afterwards either way.
    """
    contract = contract or load_contract()
    mappings = load_source_mapping(settings.mappings_dir, source, contract)
    # Before anything is written: a missing or different key stops the run (KeyMismatch).
    pseudonymizer = checked_pseudonymizer(con, settings, contract)
    ensure_tables(con, contract)
    if not mappings or not settings.landing_dir.is_dir():
        return []
    scratch = settings.build_db.parent / ".ingest-scratch"
    clean_scratch(scratch)
    restrict_file_access(con, [settings.landing_dir, scratch, settings.build_db.parent])
    return [
        ingest_file(
            con,
            path,
            settings.landing_dir,
            contract.entities[m.entity],
            m,
            pseudonymizer,
            validate_batch,
            scratch,
        )
        for m in mappings
        for path in m.matching_files(settings.landing_dir)
    ]
