"""What a dbt manifest says about portability: the published marts and the models that say
they cannot run on another engine (`meta: {portable: false, portability_reason: ...}`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import MARTS_SCHEMA


@dataclass(frozen=True)
class NonPortable:
    """A model that declares it runs on DuckDB only, and why."""

    model: str
    reason: str


def _models(manifest: Path) -> list[dict]:
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return [n for n in nodes if n["resource_type"] == "model"]


def published_marts(manifest: Path) -> list[str]:
    """The tables of the marts schema (what publication copies to the serving file), sorted."""
    return sorted(
        n["alias"] or n["name"]
        for n in _models(manifest)
        if n["config"].get("schema") == MARTS_SCHEMA
    )


def non_portable_models(manifest: Path) -> list[NonPortable]:
    """Models whose meta sets `portable: false`, with their `portability_reason`."""
    found = []
    for node in _models(manifest):
        meta = {**node.get("meta", {}), **node["config"].get("meta", {})}
        if meta.get("portable", True) is False:
            reason = str(meta.get("portability_reason") or "").strip()
            found.append(NonPortable(node["name"], reason or "no reason given"))
    return sorted(found, key=lambda m: m.model)


def downstream_of(manifest: Path, models: list[str]) -> list[str]:
    """Every model that depends, directly or not, on one of `models` (them excluded)."""
    nodes = _models(manifest)
    by_id = {n["unique_id"]: n["name"] for n in nodes}
    children: dict[str, list[str]] = {}
    for node in nodes:
        for parent in node["depends_on"]["nodes"]:
            children.setdefault(parent, []).append(node["unique_id"])
    ids = [uid for uid, name in by_id.items() if name in set(models)]
    seen: set[str] = set()
    while ids:
        for child in children.get(ids.pop(), []):
            if child not in seen:
                seen.add(child)
                ids.append(child)
    return sorted(by_id[u] for u in seen if by_id[u] not in set(models))
