"""Ingestion layer: one multi-asset per source (`raw/<entity>`), and the landing-folder sensor.

Each file's typed rows are validated against `expectations/raw/<entity>.json` before they are
committed (a blocking failure rejects the file). Paths come from `Settings.from_env()` at run
time. Logs and metadata carry file names and counts only, never a value from an export.
"""

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.jobs import WRITER_POOL, empathy_pipeline
from orchestration.defs.operations import TRANSIENT_RETRY, only_transient_retried
from orchestration.defs.resources import SettingsResource
from orchestration.ingest import EntitySpec, FileResult, ingest_source, load_contract, raw_table
from orchestration.ingest.ledger import fingerprint_file

GROUP = "ingest"


def _spec(entity: EntitySpec) -> dg.AssetSpec:
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(c.name, c.type, description=c.description) for c in entity.raw_columns
        ]
    )
    return dg.AssetSpec(
        key=dg.AssetKey(["raw", entity.name]),
        group_name=GROUP,
        description=f"raw.{entity.name}: {entity.description}",
        kinds={"duckdb"},
        metadata={"dagster/column_schema": schema, "business_key": list(entity.business_key)},
    )


def _metadata(results: list[FileResult], table_rows: int) -> dict[str, object]:
    new = [r for r in results if r.recorded]
    rejected = [r for r in new if r.status == "rejected"]
    return {
        "files_loaded": sum(r.status == "loaded" for r in new),
        "files_rejected": len(rejected),
        "files_skipped": sum(r.status == "skipped" for r in new),
        "files_already_ingested": sum(not r.recorded for r in results),
        "rows_read": sum(r.rows_read for r in new),
        "rows_loaded": sum(r.rows_loaded for r in new),
        "rows_quarantined": sum(r.rows_quarantined for r in new),
        "dagster/row_count": table_rows,
        "rejections": dg.MetadataValue.md("\n".join(f"- {r.message}" for r in rejected) or "none"),
    }


def _log(context: dg.AssetExecutionContext, result: FileResult) -> None:
    if not result.recorded:
        return
    if result.status == "rejected":
        context.log.warning(f"rejected {result.message}")
        return
    context.log.info(
        f"{result.path} -> raw.{result.entity}: {result.status}, "
        f"{result.rows_read} rows read, {result.rows_loaded} loaded, "
        f"{result.rows_quarantined} quarantined"
    )


def _source_assets(source: str, entities: tuple[EntitySpec, ...]) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name=f"ingest_{source}",
        specs=[_spec(e) for e in entities],
        pool=WRITER_POOL,
        retry_policy=TRANSIENT_RETRY,
        description=f"Load new {source} export files from the landing folder into raw tables.",
    )
    def ingest(
        context: dg.AssetExecutionContext, settings: SettingsResource
    ) -> Iterator[dg.MaterializeResult]:
        from orchestration.quality.batch import recording_validator  # reads the suites: at run time

        settings = settings.get()
        settings.build_db.parent.mkdir(parents=True, exist_ok=True)
        validate = recording_validator(settings, context.run.run_id)
        with only_transient_retried(), settings.connect_build() as con:
            results = ingest_source(con, settings, source, validate_batch=validate)
            totals = {
                e.name: con.execute(f"SELECT count(*) FROM {raw_table(e.name)}").fetchone()[0]
                for e in entities
            }
        for result in results:
            _log(context, result)
        for entity in entities:
            mine = [r for r in results if r.entity == entity.name]
            yield dg.MaterializeResult(
                asset_key=dg.AssetKey(["raw", entity.name]),
                metadata=_metadata(mine, totals[entity.name]),
            )

    return ingest


def _landing_snapshot(landing_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of every visible export in the landing folder's source folders.

    Files directly in the landing folder (such as the demo's `ground_truth.json`) are not
    exports and trigger nothing.
    """
    if not landing_dir.is_dir():
        return {}
    snapshot = {}
    for path in landing_dir.rglob("*"):
        relative = path.relative_to(landing_dir)
        hidden = any(part.startswith(".") for part in relative.parts)
        if path.is_file() and len(relative.parts) > 1 and not hidden:
            stat = path.stat()
            snapshot[relative.as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return snapshot


def _ledger_hashes(build_db: Path) -> set[str] | None:
    """Content hashes the ingest ledger already has; None while a run holds the database."""
    if not build_db.exists():
        return set()
    try:
        con = duckdb.connect(str(build_db), read_only=True)
    except duckdb.Error:
        return None
    try:
        has_ledger = con.execute(
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE schema_name = 'ingest' AND table_name = 'ledger'"
        ).fetchone()[0]
        if not has_ledger:
            return set()
        return {
            h for (h,) in con.execute("SELECT DISTINCT file_hash FROM ingest.ledger").fetchall()
        }
    finally:
        con.close()


@dg.sensor(
    job=empathy_pipeline,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a pipeline run when a file in the landing folder has content the "
    "ingest ledger does not have yet (files already loaded, touched or copied start nothing).",
)
def landing_folder_sensor(
    context: dg.SensorEvaluationContext, settings: SettingsResource
) -> dg.RunRequest | dg.SkipReason:
    """Files whose (size, mtime) changed since the last tick are hashed; a run is requested
    only for content not in the ledger. The build database is opened read-only, only when it
    exists; while a run holds it, the tick is skipped and the files are looked at again."""
    settings = settings.get()
    snapshot = _landing_snapshot(settings.landing_dir)
    seen = json.loads(context.cursor) if context.cursor else {}
    changed = {path: stat for path, stat in sorted(snapshot.items()) if seen.get(path) != stat}
    if not changed:
        context.update_cursor(json.dumps(snapshot))
        return dg.SkipReason("No new or changed files in the landing folder.")
    known = _ledger_hashes(settings.build_db)
    if known is None:
        return dg.SkipReason("The build database is busy (a run is writing); looking again.")
    hashes = {}
    for path in changed:
        try:
            hashes[path] = fingerprint_file(settings.landing_dir / path).sha256
        except OSError:
            hashes[path] = "unreadable"  # ingestion records why
    new = {path: digest for path, digest in hashes.items() if digest not in known}
    context.update_cursor(json.dumps(snapshot))
    if not new:
        return dg.SkipReason(
            f"{len(changed)} changed file(s), whose content the ingest ledger already has."
        )
    context.log.info(f"{len(new)} file(s) with content not yet in the ingest ledger")
    return dg.RunRequest(
        run_key=hashlib.sha256(json.dumps(new, sort_keys=True).encode()).hexdigest(),
        tags={
            "empathy/trigger": "landing_folder_sensor",
            "empathy/changed_files": str(len(new)),
        },
    )


_contract = load_contract()
defs = dg.Definitions(
    assets=[_source_assets(s, _contract.by_source(s)) for s in _contract.sources],
    sensors=[landing_folder_sensor],
)
