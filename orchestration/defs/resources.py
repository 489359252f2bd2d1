"""Resources given to every asset through `Definitions(resources=...)`.

`settings`: the pipeline's paths and knobs (`orchestration.settings.Settings`). Fields left
empty come from the environment at run time (`Settings.from_env`, the variables in the
README); tests, the benchmark and trial runs pass their own paths instead of patching it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg

from orchestration.settings import Settings


class SettingsResource(dg.ConfigurableResource):
    """Where the pipeline reads and writes; empty fields: from the environment."""

    landing_dir: str | None = None
    mappings_dir: str | None = None
    build_db: str | None = None
    serving_dir: str | None = None
    reports_dir: str | None = None
    key_file: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> SettingsResource:
        """A resource that resolves to exactly `settings`."""
        return cls(**{name: str(getattr(settings, name)) for name in _PATHS})

    def get(self) -> Settings:
        """The resolved settings: the environment's, with this resource's paths over them."""
        given = {name: Path(value) for name in _PATHS if (value := getattr(self, name))}
        return replace(Settings.from_env(), **given)


_PATHS = ("landing_dir", "mappings_dir", "build_db", "serving_dir", "reports_dir", "key_file")

defs = dg.Definitions(resources={"settings": SettingsResource()})
