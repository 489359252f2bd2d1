"""The scorecard's people section: published groups with their figures, suppressed groups
shown as suppressed (no figure, no count), the team-level link in words, and "Not available"
when the publication has no pulse answers."""

from __future__ import annotations

import duckdb
import scorecard_kit as kit

from orchestration.publish.serving import Publication, publish
from orchestration.scorecard import render_scorecard
from orchestration.settings import MARTS_SCHEMA, Settings

PEOPLE_SQL = f"""
INSERT INTO {MARTS_SCHEMA}.fct_people_pulse
    (grain, grain_value, n_people, n_answers, n_wellbeing, wellbeing_mean, wellbeing_mean_ci_low,
     wellbeing_mean_ci_high, n_enps, enps, enps_ci_low, enps_ci_high, is_reportable,
     is_suppressed, suppression_reason)
VALUES
    ('overall', 'overall', 31, 92, 92, 3.41, 3.2, 3.6, 92, 12.5, -4.0, 28.0, true, false, NULL),
    ('team', 'Team Alpha', 8, 23, 23, 3.96, 3.7, 4.2, 23, 30.4, 2.0, 55.0, false, false, NULL),
    ('team', 'Team Bravo', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false,
     true, 'fewer than 5 people');
INSERT INTO {MARTS_SCHEMA}.fct_people_empathy
    (grain, grain_value, n_people, teq_total_mean, teq_total_mean_ci_low, teq_total_mean_ci_high,
     is_reportable, is_suppressed)
VALUES ('team', 'Team Alpha', 8, 47.25, 44.0, 50.5, false, false),
       ('team', 'Team Bravo', NULL, NULL, NULL, NULL, false, true);
INSERT INTO {MARTS_SCHEMA}.fct_people_customer_link
    (people_measure, customer_measure, n_teams, r, r_ci_low, r_ci_high, is_reportable, conclusion)
VALUES ('wellbeing_mean', 'csat_top2_share', 4, 0.97, 0.07, 0.999, false,
        'too few teams to conclude: 4 teams with a published figure, at least 10 needed');
"""


def test_suppressed_groups_read_suppressed_and_published_ones_their_figures(
    isolated_settings: Settings,
) -> None:
    kit.build_marts(isolated_settings.build_db)
    with duckdb.connect(str(isolated_settings.build_db)) as con:
        con.execute(PEOPLE_SQL)
    publish(isolated_settings, Publication("test-run", kit.CHECKS_PASSED, ()))
    people = kit.section_text(render_scorecard(isolated_settings).read_text("utf-8"), "people")

    assert "Overall: Overall 31 3.41 (3.20 to 3.60) +12 (-4 to +28)" in people
    assert "Team: Team Alpha 8 3.96 (3.70 to 4.20) +30 (+2 to +55) 47.25 (44.00 to 50.50)" in people
    assert "Team: Team Bravo Suppressed Suppressed Suppressed Suppressed" in people
    assert (
        "Well-being CSAT satisfied share 4 0.97 (0.07 to 1.00) too few teams to conclude" in people
    )


def test_without_pulse_answers_the_section_says_why(isolated_settings: Settings) -> None:
    kit.publish_planted(isolated_settings)
    people = kit.section_text(render_scorecard(isolated_settings).read_text("utf-8"), "people")
    assert (
        people
        == "People: well-being and empathy Not available: no pulse-survey answers in the HR exports"
    )
