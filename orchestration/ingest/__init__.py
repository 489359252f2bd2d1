"""Ingestion engine: export files in the landing folder -> typed, audited `raw.*` tables.

Public API::

    ensure_tables(con)                                   # every raw/restricted/ledger table
    ingest_source(con, settings, source, validate_batch=None) -> list[FileResult]
    load_contract() -> Contract                          # entities, columns and their flags
    Pseudonymizer.from_settings(settings).pseudonymize(namespace, value)
"""

from orchestration.ingest.contract import (
    CheckSpec,
    ColumnSpec,
    Contract,
    ContractError,
    EntitySpec,
    load_contract,
)
from orchestration.ingest.loader import ingest_file, ingest_source
from orchestration.ingest.mapping import EntityMapping, MappingError, load_source_mapping
from orchestration.ingest.pseudonyms import Pseudonymizer
from orchestration.ingest.results import BatchValidator, BatchVerdict, FileRejected, FileResult
from orchestration.ingest.tables import (
    LEDGER,
    LINEAGE_COLUMNS,
    QUARANTINE,
    ensure_tables,
    pii_table,
    raw_table,
)

__all__ = [
    "LEDGER",
    "LINEAGE_COLUMNS",
    "QUARANTINE",
    "BatchValidator",
    "BatchVerdict",
    "CheckSpec",
    "ColumnSpec",
    "Contract",
    "ContractError",
    "EntityMapping",
    "EntitySpec",
    "FileRejected",
    "FileResult",
    "MappingError",
    "Pseudonymizer",
    "ensure_tables",
    "ingest_file",
    "ingest_source",
    "load_contract",
    "load_source_mapping",
    "pii_table",
    "raw_table",
]
