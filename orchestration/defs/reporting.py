"""Reporting layer: the board scorecard, rendered from the published serving file."""

import dagster as dg

from orchestration.scorecard.render import read_scorecard, write_scorecard
from orchestration.settings import Settings


@dg.asset(
    group_name="reporting",
    deps=[dg.AssetKey("serving_database")],
    kinds={"html"},
    description=(
        "The board scorecard: one self-contained HTML page (charts as inline SVG, no network) "
        "with the empathy index, each tier's KPIs against target and owner, breakdowns and the "
        "voice of the customer. Reads only the published serving file, read-only."
    ),
)
def board_scorecard(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Render the scorecard of the publication now in the serving file."""
    settings = Settings.from_env()
    scorecard = read_scorecard(settings)
    path = write_scorecard(settings, scorecard)
    publication = scorecard.footer.publication
    version = publication.version if publication else None
    context.log.info(f"scorecard of publication {version} written to {path}")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(path)), "publication_version": version}
    )


defs = dg.Definitions(assets=[board_scorecard])
