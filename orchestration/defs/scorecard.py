"""Scorecard layer: the board scorecard, rendered from the published serving file."""

import dagster as dg

from orchestration.defs.resources import SettingsResource
from orchestration.pipeline_state import confirm


@dg.asset(
    group_name="scorecard",
    deps=[dg.AssetKey("serving_database")],
    kinds={"html"},
    description=(
        "The board scorecard: one self-contained HTML page (charts as inline SVG, no network) "
        "with the empathy index, each tier's KPIs against target and owner, accountability, "
        "breakdowns and the voice of the customer, and a PDF print of it beside it (when "
        "Chromium is installed). Reads only the published serving file, read-only."
    ),
)
def board_scorecard(
    context: dg.AssetExecutionContext, settings: SettingsResource
) -> dg.MaterializeResult:
    """Render the scorecard of the publication now in the serving file."""
    # pandas and Altair load when the step runs, not when Dagster loads the definitions
    from orchestration.scorecard.pdf import write_pdf
    from orchestration.scorecard.render import read_scorecard, write_scorecard

    settings = settings.get()
    scorecard = read_scorecard(settings)
    path = write_scorecard(settings, scorecard)
    publication = scorecard.footer.publication
    version = publication.version if publication else None
    context.log.info(f"scorecard of publication {version} written to {path}")
    pdf, why_not = write_pdf(path)
    if why_not:
        context.log.warning(f"scorecard PDF not written: {why_not}")
    confirm(settings, context.run.run_id)  # the run is complete: a rerun may skip if nothing new
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "pdf": dg.MetadataValue.path(str(pdf)) if pdf else why_not,
            "publication_version": version,
        }
    )


defs = dg.Definitions(assets=[board_scorecard])
