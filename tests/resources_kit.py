"""The code location's resources for a test's `dg.materialize`, with the test's own paths."""

from orchestration.defs.resources import SettingsResource
from orchestration.settings import Settings


def resources(settings: Settings | None = None, **more: object) -> dict[str, object]:
    """`settings` (default: the test's isolated environment) as the `settings` resource."""
    return {"settings": SettingsResource.of(settings or Settings.from_env()), **more}
