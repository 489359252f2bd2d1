"""The board scorecard: one self-contained HTML page read from the published serving file."""

from orchestration.scorecard.render import render_scorecard

__all__ = ["render_scorecard"]
