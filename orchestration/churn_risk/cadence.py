"""Train on a cadence, score every run: when a Python model retrains and what it remembers.

Shared by the risk models (churn, support need) and predictive CLV. Each model keeps a small
JSON state file under the build database's folder (`<warehouse>/models/<name>.json`): which
training run it belongs to (version, time, the data's as-of date, a digest of the model's
configuration and feature columns), the published model to score with (`champion`) and the
input fingerprint it last scored. A model retrains only when `retrain_reason` gives a reason:

- a full refresh was asked for (`empathy run --full-refresh`);
- there is no stored model, or the build database's newest training run is not the stored one
  (a new or restored database);
- the model's configuration or its feature columns changed;
- the data's as-of date moved `retrain_after_days` (setting `EMPATHY_RETRAIN_AFTER_DAYS`,
  default 30) or more past the as-of the model was trained on, or moved back.

Otherwise the run scores the current data with the stored model, under the same version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

STATE_FORMAT = 1


@dataclass(frozen=True)
class ModelState:
    """What a model's state file holds."""

    name: str
    trained_version: str
    trained_at: str
    trained_as_of: str | None
    config: str
    status: str
    champion: dict[str, object] | None = None
    scored_fingerprint: str | None = None
    format: int = field(default=STATE_FORMAT)

    def scored(self, fingerprint: str) -> ModelState:
        """The same state, having scored inputs with `fingerprint`."""
        return replace(self, scored_fingerprint=fingerprint)

    def is_run(self, version: object, trained_at: object) -> bool:
        """Whether this state belongs to the training run (`version`, `trained_at`)."""
        return self.trained_version == str(version) and self.trained_at == _iso(trained_at)


@dataclass(frozen=True)
class Refresh:
    """What one run asks of a model: where its state lives, the run's time, the schema it
    writes, whether a full refresh was asked for, and the retraining cadence."""

    directory: Path
    now: dt.datetime
    schema: str
    full_refresh: bool = False
    retrain_after_days: int = 30


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def models_dir(build_db: Path) -> Path:
    """Where the models of a build database live: `models/` beside it."""
    return build_db.parent / "models"


def state_path(directory: Path, name: str) -> Path:
    """The state file of model `name`."""
    return directory / f"{name}.json"


def load_state(directory: Path, name: str) -> ModelState | None:
    """The stored state of model `name`; None when missing, unreadable or of another format."""
    path = state_path(directory, name)
    try:
        data = json.loads(path.read_text())
        state = ModelState(**data)
    except (OSError, ValueError, TypeError):
        return None
    return state if state.format == STATE_FORMAT and state.name == name else None


def save_state(directory: Path, state: ModelState) -> None:
    """Write the state file atomically (a crash leaves the old one or the new one)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = state_path(directory, state.name)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(state), indent=1, sort_keys=True))
    os.replace(tmp, path)


def new_state(
    name: str,
    version: object,
    trained_at: dt.datetime,
    as_of: dt.date | None,
    config: str,
    status: str,
    champion: dict[str, object] | None,
    fingerprint: str,
) -> ModelState:
    """The state after a training run."""
    return ModelState(
        name=name,
        trained_version=str(version),
        trained_at=_iso(trained_at),
        trained_as_of=_iso(as_of) if as_of is not None else None,
        config=config,
        status=status,
        champion=champion,
        scored_fingerprint=fingerprint,
    )


def retrain_reason(
    state: ModelState | None,
    *,
    full_refresh: bool,
    newest_run: tuple[object, object] | None,
    config: str,
    as_of: dt.date | None,
    retrain_after_days: int,
) -> str | None:
    """Why the model must retrain now, or None when the stored model scores this run.

    `newest_run` is (version, trained_at) of the build database's newest training run.
    """
    if full_refresh:
        return "full refresh requested"
    if state is None or newest_run is None:
        return "no stored model"
    if not state.is_run(*newest_run):
        return "no stored model of the build database's newest training run"
    if state.config != config:
        return "the model's configuration or feature columns changed"
    if as_of is None or state.trained_as_of is None:
        return "no as-of date to schedule retraining on"
    days = (as_of - dt.date.fromisoformat(state.trained_as_of)).days
    if days < 0:
        return f"the data's as-of {as_of} is before the model's {state.trained_as_of}"
    if days >= retrain_after_days:
        return (
            f"the data's as-of {as_of} is {days} days past the model's {state.trained_as_of} "
            f"(retrain after {retrain_after_days})"
        )
    return None
