"""Generate the demo exports of one small business and the ground truth of what they contain.

``generate(out_dir)`` writes ``reviews/``, ``surveys/``, ``crm/`` and ``hr/`` exports (formats as
the tools that produce them write them; ``mappings/*.yml`` maps them onto the contract) and
``ground_truth.json``. Same seed and size: byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from empathy_devtools.demo.customers import LOCATIONS, PRODUCTS
from empathy_devtools.demo.effect_measures import measure_effects
from empathy_devtools.demo.effects import PLANTED_EFFECTS, EffectSizes
from empathy_devtools.demo.exports import Export, build_exports
from empathy_devtools.demo.messy_rows import MessyRows, plant_messy_rows
from empathy_devtools.demo.planted_pii import plant_pii
from empathy_devtools.demo.truth import connect, headline_metrics, staff_praise
from empathy_devtools.demo.world import build_world

__all__ = ["GENERATOR_VERSION", "PLANTED_EFFECTS", "DemoSize", "generate"]

GENERATOR_VERSION = "1.0.0"
GROUND_TRUTH = "ground_truth.json"
BUSINESS = "Brightside Home Tech (fictional): home electronics, installs and service plans"


@dataclass(frozen=True)
class DemoSize:
    """How big the business is: customers, frontline agents, months of history."""

    customers: int = 2000
    agents: int = 20
    months: int = 15


def _file_entry(export: Export) -> dict[str, object]:
    return {
        "entity": export.entity,
        "format": "jsonl" if export.jsonl else "csv",
        "delimiter": None if export.jsonl else export.sep,
        "encoding": export.encoding,
        "rows": len(export.frame),
    }


def _entity_counts(exports: list[Export], messy: list[MessyRows]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for export in exports:
        quarantined = sum(m.rows_quarantined for m in messy if m.file == export.path)
        counts[export.entity] = {
            "rows_read": len(export.frame),
            "rows_loaded": len(export.frame) - quarantined,
            "rows_quarantined": quarantined,
        }
    return counts


def generate(
    out_dir: Path,
    size: DemoSize = DemoSize(),
    seed: int = 42,
    *,
    effects: frozenset[str] | None = None,
) -> Path:
    """Write the four sources' exports under ``out_dir`` and return the ground-truth path.

    ``effects``: the planted effects (names in ``PLANTED_EFFECTS``); None plants all of them,
    an empty set none (a business with no weekday dip, no bot gap...).
    """
    sizes = EffectSizes.for_effects(effects)
    rng = np.random.default_rng(seed)
    world = build_world(rng, size.customers, size.agents, size.months, sizes)
    pii = plant_pii(rng, world.interactions, world.survey_responses)
    exports = build_exports(world)
    messy = plant_messy_rows(rng, exports)
    out_dir = Path(out_dir)
    for export in exports:
        export.write(out_dir)

    con = connect(world, messy)
    truth = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": asdict(size),
        "date_range": {
            "start": world.timeline.start.isoformat(),
            "end": world.timeline.end.isoformat(),
        },
        "effects_planted": [e for e in PLANTED_EFFECTS if e in sizes.planted],
        "business": {
            "name": BUSINESS,
            "locations": LOCATIONS.tolist(),
            "complex_products": PRODUCTS.loc[PRODUCTS["is_complex_product"], "product"].tolist(),
            "frontline_teams": sorted(set(world.staff.slot_team)),
        },
        "files": {e.path: _file_entry(e) for e in exports},
        "entities": _entity_counts(exports, messy),
        "messy_rows": [m.as_dict() for m in messy],
        "planted_pii": pii,
        "initiatives": world.trainings.assign(
            started_at=world.trainings["started_at"].dt.strftime("%Y-%m-%d"),
            ended_at=world.trainings["ended_at"].dt.strftime("%Y-%m-%d"),
        ).to_dict(orient="records"),
        "staff_praise_texts": staff_praise(con),
        "headline_metrics": headline_metrics(con),
        "effects": measure_effects(con, world),
    }
    con.close()
    path = out_dir / GROUND_TRUTH
    path.write_text(json.dumps(truth, indent=2, default=str) + "\n", encoding="utf-8")
    return path
