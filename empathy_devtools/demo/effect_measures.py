"""Each planted effect's definition, planted size, and size observed in the generated data.

Every measure is SQL over the canonical tables of :func:`empathy_devtools.demo.truth.connect`;
the definition text next to it says the same thing in words, for tests and for analysts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import duckdb

from empathy_devtools.demo.effects import DIP_WEEKDAY, SETUP_CHURN_NOT_REACHED
from empathy_devtools.demo.interactions import FOLLOW_UP_DAYS
from empathy_devtools.demo.phrases import ACKNOWLEDGEMENT, NEGATIVE, POSITIVE
from empathy_devtools.demo.staff import TEQ_ITEMS, TEQ_REVERSED
from empathy_devtools.demo.truth import TOP2, difference, one, records
from empathy_devtools.demo.world import World

Measure = Callable[[duckdb.DuckDBPyConnection, World], dict[str, object]]
TEQ_TOTAL = " + ".join(
    f"(4 - teq_{i:02d})" if i in TEQ_REVERSED else f"teq_{i:02d}" for i in range(1, TEQ_ITEMS + 1)
)
NEGATIVE_VOCABULARY = (
    "on hold", "never called back", "rude", "dismissive", "ignor", "frustrat", "unhelpful",
    "not helpful", "waste of time", "disappointed", "useless", "nobody",
)  # fmt: skip


def _share(condition: str) -> str:
    return f"avg(CASE WHEN {condition} THEN 1.0 ELSE 0.0 END)"


def weekday_dip(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    day = DIP_WEEKDAY + 1
    on_day, other = f"isodow(responded_at) = {day}", f"isodow(responded_at) <> {day}"
    observed = one(
        con,
        f"""SELECT count(*) FILTER ({on_day}) AS n_weekday,
                   {TOP2} FILTER ({on_day}) AS top2_share_weekday,
                   count(*) FILTER ({other}) AS n_other_days,
                   {TOP2} FILTER ({other}) AS top2_share_other_days
            FROM survey_responses WHERE survey_type = 'csat'""",
    )
    observed["difference"] = difference(
        observed["top2_share_weekday"], observed["top2_share_other_days"]
    )
    by_day = records(
        con,
        f"""SELECT isodow(responded_at) AS isodow, {TOP2} AS top2_share
            FROM survey_responses WHERE survey_type = 'csat' GROUP BY 1 ORDER BY 1""",
    )
    observed["top2_share_by_isodow"] = {r["isodow"]: r["top2_share"] for r in by_day}
    wait = "median(epoch(first_response_at) - epoch(opened_at))"
    observed["median_first_response_minutes"] = one(
        con,
        f"""SELECT {wait} FILTER (isodow(opened_at) = {day}) / 60 AS weekday,
                   {wait} FILTER (isodow(opened_at) <> {day}) / 60 AS other_days
            FROM interactions WHERE direction = 'inbound' AND handled_by = 'agent'""",
    )
    return {
        "description": "Understaffing on one weekday: slower first responses, fewer satisfied.",
        "definition": (
            "CSAT responses (survey_type 'csat', valid scores 1-5) grouped by the ISO weekday of "
            "responded_at (always the same day as the interaction's opened_at); top-2-box share "
            "= share of scores 4-5; difference = the weekday's share minus all other days' share."
        ),
        "parameters": {
            "weekday": "Tuesday",
            "isodow": day,
            "planted_top2_delta": world.sizes.weekday_top2_delta,
            "planted_first_response_multiplier": world.sizes.weekday_response_slowdown,
        },
        "observed": observed,
    }


def billing_sentiment(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    by_type = records(
        con,
        f"""WITH texts AS (
                SELECT interaction_type, _tone AS tone FROM interactions
                WHERE direction = 'inbound'
                UNION ALL
                SELECT i.interaction_type, s._tone FROM survey_responses s
                JOIN interactions i USING (interaction_id)
                WHERE s.comment IS NOT NULL AND i.direction = 'inbound')
            SELECT interaction_type, count(*) AS texts,
                   {_share(f"tone = {NEGATIVE}")} AS negative_share,
                   {_share(f"tone = {POSITIVE}")} AS positive_share
            FROM texts GROUP BY 1 ORDER BY 1""",
    )
    billing = next((r for r in by_type if r["interaction_type"] == "billing"), {})
    others = [r for r in by_type if r["interaction_type"] != "billing"]
    n_other = sum(r["texts"] for r in others)
    other = sum(r["texts"] * r["negative_share"] for r in others) / n_other if n_other else None
    return {
        "description": "Billing contacts carry more negative sentiment in what customers say.",
        "definition": (
            "Texts of inbound interactions: the transcript, and the comment of each survey "
            "response linked to the interaction by interaction_id. A text is negative when its "
            "customer phrase comes from the negative templates, which all carry one of "
            f"{list(NEGATIVE_VOCABULARY)} (case-insensitive); positive and neutral ones carry "
            "none. negative_share by interaction_type; difference = billing minus all others."
        ),
        "parameters": {"planted_negative_flip_probability": world.sizes.billing_negative_flip},
        "observed": {
            "by_interaction_type": by_type,
            "billing_negative_share": billing.get("negative_share"),
            "other_negative_share": None if other is None else round(other, 4),
            "difference": difference(billing.get("negative_share"), other),
        },
    }


def bot_gap(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    rows = records(
        con,
        f"""SELECT i.handled_by, count(*) AS n, {TOP2} AS top2_share
            FROM survey_responses s JOIN interactions i USING (interaction_id)
            WHERE s.survey_type = 'csat' GROUP BY 1 ORDER BY 1""",
    )
    shares = {r["handled_by"]: r["top2_share"] for r in rows}
    bots = one(
        con,
        """SELECT count(*) AS bot_conversations,
                  avg(escalated_to_human::INT) AS escalation_share,
                  avg((resolved_at IS NULL)::INT) AS unresolved_share
           FROM interactions WHERE handled_by = 'bot'""",
    )
    return {
        "description": "Customers rate bot conversations below conversations with a person.",
        "definition": (
            "CSAT responses linked by interaction_id to an interaction; top-2-box share (scores "
            "4-5) by the interaction's handled_by; difference = bot minus agent. Bots answer "
            "chat and social contacts from the automation_launch initiative's start date."
        ),
        "parameters": {
            "planted_top2_delta": world.sizes.bot_top2_delta,
            "planted_extra_unresolved_share": world.sizes.bot_extra_unresolved,
            "automation_launch": world.timeline.automation_launch.isoformat(),
        },
        "observed": {
            "by_handled_by": rows,
            "difference": difference(shares.get("bot"), shares.get("agent")),
            **bots,
        },
    }


def technical_churn(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    cutoff = world.timeline.end + timedelta(days=1 - 90)
    within = "c.cancelled_at > i.opened_at AND c.cancelled_at <= i.opened_at + INTERVAL 90 DAY"
    rows = records(
        con,
        f"""SELECT i.interaction_type = 'technical' AND i.resolved_at IS NULL
                     AS unresolved_technical,
                   count(*) AS interactions,
                   {_share(within)} AS cancelled_within_90_days
            FROM interactions i LEFT JOIN cancellations c USING (customer_id)
            WHERE i.direction = 'inbound' AND i.opened_at < TIMESTAMP '{cutoff}'
            GROUP BY 1 ORDER BY 1""",
    )
    rates = {r["unresolved_technical"]: r["cancelled_within_90_days"] for r in rows}
    exposed, other = rates.get(True), rates.get(False)
    return {
        "description": "Customers cancel more often after an unresolved technical contact.",
        "definition": (
            f"Inbound interactions opened before {cutoff} (90 days observed after each); "
            "exposed = interaction_type 'technical' with resolved_at empty; outcome = a "
            "cancellation of the customer with opened_at < cancelled_at <= opened_at + 90 days; "
            "rate_ratio = the exposed rate / the rate of all other inbound interactions."
        ),
        "parameters": {
            "planted_cancel_probability_within_90_days": world.sizes.technical_churn_trigger
        },
        "observed": {
            "by_exposure": rows,
            "exposed_rate": exposed,
            "other_rate": other,
            "rate_ratio": round(exposed / other, 3) if exposed is not None and other else None,
        },
    }


def understood_value(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    rows = records(
        con,
        """WITH segment AS (
               SELECT customer_id, avg(felt_understood) >= 4 AS felt_understood
               FROM survey_responses WHERE felt_understood IS NOT NULL GROUP BY 1),
           value AS (
               SELECT customer_id, count(*) AS orders, sum(amount) AS revenue
               FROM orders GROUP BY 1),
           churned AS (SELECT DISTINCT customer_id FROM cancellations)
           SELECT s.felt_understood, count(*) AS customers,
                  avg(coalesce(v.revenue, 0)) AS mean_historical_cltv,
                  avg(coalesce(v.orders, 0)) AS mean_orders,
                  sum(v.revenue) / sum(v.orders) AS mean_order_value,
                  avg((c.customer_id IS NOT NULL)::INT) AS churn_share
           FROM segment s
           LEFT JOIN value v USING (customer_id)
           LEFT JOIN churned c USING (customer_id)
           GROUP BY 1 ORDER BY 1""",
    )
    segment = {r["felt_understood"]: r for r in rows}
    yes, no = segment.get(True, {}), segment.get(False, {})
    ratio = None
    if yes.get("mean_historical_cltv") and no.get("mean_historical_cltv"):
        ratio = round(yes["mean_historical_cltv"] / no["mean_historical_cltv"], 3)
    return {
        "description": "Customers who felt understood buy more, spend more, and churn less.",
        "definition": (
            "Customers with at least one felt_understood answer in survey_responses; segment "
            "'understood' = their mean felt_understood >= 4, else not understood. Historical "
            "CLTV = sum of their order amounts; churn_share = share with a cancellation; "
            "cltv_ratio = mean CLTV of the understood / of the not understood."
        ),
        "parameters": {
            "planted_order_rate_multiplier": world.sizes.understood_order_rate,
            "planted_extra_units_per_order": world.sizes.understood_extra_quantity,
            "planted_churn_hazard_multiplier": world.sizes.understood_churn_hazard,
        },
        "observed": {
            "by_segment": rows,
            "cltv_ratio": ratio,
            "churn_share_difference": difference(yes.get("churn_share"), no.get("churn_share")),
        },
    }


def team_empathy(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    teams_sql = f"""
        WITH teq AS (
            SELECT e.team, avg({TEQ_TOTAL}) AS mean_teq_total
            FROM empathy_assessments a JOIN employees e USING (employee_id) GROUP BY 1),
        wellbeing AS (
            SELECT e.team, avg(p.wellbeing) AS mean_wellbeing
            FROM pulse_surveys p JOIN employees e USING (employee_id) GROUP BY 1),
        csat AS (
            SELECT e.team, count(*) AS csat_n, {TOP2} AS csat_top2_share
            FROM survey_responses s JOIN interactions i USING (interaction_id)
            JOIN employees e ON e.agent_id = i.agent_id
            WHERE s.survey_type = 'csat' AND i.handled_by = 'agent' GROUP BY 1),
        people AS (SELECT team, count(*) AS people FROM employees GROUP BY 1)
        SELECT * FROM csat
        JOIN teq USING (team) JOIN wellbeing USING (team) JOIN people USING (team)"""
    correlation = one(
        con,
        f"""SELECT corr(mean_teq_total, csat_top2_share) AS teq_vs_csat,
                   corr(mean_wellbeing, csat_top2_share) AS wellbeing_vs_csat
            FROM ({teams_sql})""",
    )
    reversed_items = ", ".join(map(str, TEQ_REVERSED))
    return {
        "description": "Teams with more empathetic, better-off agents earn higher CSAT.",
        "definition": (
            "Per frontline team (employees.team): mean TEQ total over its members' assessments "
            f"(16 items 0-4; items {reversed_items} reverse-scored as 4 - answer; total 0-64); "
            "mean pulse wellbeing; CSAT top-2-box share of the responses linked to interactions "
            "with handled_by 'agent' whose agent_id belongs to the team. Pearson correlations "
            "across teams."
        ),
        "parameters": {
            "planted_top2_shift_per_unit_team_empathy": world.sizes.team_top2_per_empathy,
            "team_empathy_range": [-1.0, 1.0],
            "teq_total_mean": "42 + 7 x team empathy",
            "wellbeing_mean": "3.4 + 0.6 x team empathy",
        },
        "observed": {"by_team": records(con, teams_sql + " ORDER BY team"), **correlation},
    }


def training_lift(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    rows = records(
        con,
        f"""WITH t AS (
                SELECT started_at, string_split(teams, ';') AS teams
                FROM trainings WHERE kind = 'training')
            SELECT list_contains(t.teams, e.team) AS trained_team,
                   i.opened_at >= t.started_at AS after_start,
                   count(*) AS transcripts,
                   {_share(f"i._tone = {POSITIVE}")} AS positive_share
            FROM interactions i JOIN employees e ON e.agent_id = i.agent_id CROSS JOIN t
            WHERE i.direction = 'inbound' AND i.handled_by = 'agent'
            GROUP BY 1, 2 ORDER BY 1, 2""",
    )
    share = {(r["trained_team"], r["after_start"]): r["positive_share"] for r in rows}
    trained = difference(share.get((True, True)), share.get((True, False)))
    control = difference(share.get((False, True)), share.get((False, False)))
    return {
        "description": "The trained teams' conversations turn more positive after the training.",
        "definition": (
            "Transcripts of inbound interactions with handled_by 'agent', the agent's team from "
            "employees; trained = a team listed in the trainings row of kind 'training'; after = "
            "opened_at >= its started_at. A transcript is positive when the customer's closing "
            "phrase comes from the positive templates ('helpful', 'understanding', 'caring', "
            "'went above and beyond', 'thank'...); lift = after minus before; "
            "difference_in_differences = trained lift minus untrained lift."
        ),
        "parameters": {
            "planted_positive_flip_probability": world.sizes.training_positive_flip,
            "training_start": world.timeline.training_start.isoformat(),
            "trained_teams": list(world.staff.trained_teams),
        },
        "observed": {
            "by_group": rows,
            "trained_lift": trained,
            "untrained_lift": control,
            "difference_in_differences": difference(trained, control),
        },
    }


def outreach_retention(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    start = world.timeline.outreach_start
    cutoff = world.timeline.end + timedelta(days=1 - 180)
    rows = records(
        con,
        f"""WITH first_complex AS (
                SELECT customer_id, min(ordered_at) AS bought
                FROM orders WHERE is_complex_product GROUP BY 1),
            cohort AS (
                SELECT EXISTS (
                           SELECT 1 FROM interactions i
                           WHERE i.customer_id = f.customer_id AND i.direction = 'proactive'
                             AND i.opened_at BETWEEN f.bought AND f.bought + INTERVAL 30 DAY
                       ) AS reached,
                       EXISTS (
                           SELECT 1 FROM cancellations c
                           WHERE c.customer_id = f.customer_id AND c.cancelled_at > f.bought
                             AND c.cancelled_at <= f.bought + INTERVAL 180 DAY
                       ) AS churned
                FROM first_complex f
                WHERE f.bought >= TIMESTAMP '{start}' AND f.bought < TIMESTAMP '{cutoff}')
            SELECT reached, count(*) AS customers, avg(churned::INT) AS churn_share_180_days
            FROM cohort GROUP BY 1 ORDER BY 1""",
    )
    share = {r["reached"]: r["churn_share_180_days"] for r in rows}
    return {
        "description": "Complex-product buyers called proactively churn less than the others.",
        "definition": (
            "Customers whose first order with is_complex_product is on or after the outreach "
            f"programme start ({start}) and before {cutoff} (180 days observed); reached = a "
            "proactive interaction within 30 days after that order; churned = a cancellation "
            "within 180 days after it. Who is reached is random (limited capacity), so the "
            "two groups are comparable."
        ),
        "parameters": {
            "outreach_start": start.isoformat(),
            "planted_setup_churn_reached": world.sizes.setup_churn_reached,
            "planted_setup_churn_not_reached": SETUP_CHURN_NOT_REACHED,
        },
        "observed": {
            "by_group": rows,
            "difference": difference(share.get(True), share.get(False)),
        },
    }


_ACKNOWLEDGED = " OR ".join(f"contains(lower(transcript), '{a.lower()}')" for a in ACKNOWLEDGEMENT)
_FOLLOW_UPS = f"""WITH inbound AS (
        SELECT i.interaction_id, i.opened_at, i.first_response_at, i.handled_by, i.transcript,
               lag(i.opened_at) OVER w AS previous_opened_at,
               lag(i.resolved_at) OVER w AS previous_resolved_at
        FROM interactions i WHERE i.direction = 'inbound'
        WINDOW w AS (PARTITION BY i.customer_id ORDER BY i.opened_at)),
    contacts AS (
        SELECT *, previous_opened_at >= opened_at - INTERVAL {FOLLOW_UP_DAYS} DAY AS follow_up,
               coalesce(previous_resolved_at <= opened_at, false) = false AS previous_open,
               ({_ACKNOWLEDGED}) AS acknowledged,
               s.score
        FROM inbound LEFT JOIN survey_responses s
            ON s.interaction_id = inbound.interaction_id AND s.survey_type = 'csat'
        WHERE handled_by = 'agent')"""


def acknowledged_follow_up(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    observed = one(
        con,
        f"""{_FOLLOW_UPS}
            SELECT count(*) FILTER (follow_up) AS follow_ups,
                   count(*) FILTER (follow_up AND acknowledged) AS acknowledged,
                   {_share("acknowledged")} FILTER (follow_up) AS acknowledged_share,
                   count(score) FILTER (follow_up AND acknowledged) AS n_csat_acknowledged,
                   {TOP2} FILTER (follow_up AND acknowledged AND score IS NOT NULL)
                       AS top2_share_acknowledged,
                   count(score) FILTER (follow_up AND NOT acknowledged) AS n_csat_not_acknowledged,
                   {TOP2} FILTER (follow_up AND NOT acknowledged AND score IS NOT NULL)
                       AS top2_share_not_acknowledged
            FROM contacts""",
    )
    observed["difference"] = difference(
        observed["top2_share_acknowledged"], observed["top2_share_not_acknowledged"]
    )
    return {
        "description": "Follow-ups where the agent acknowledges the earlier issue satisfy more.",
        "definition": (
            "Follow-up = an inbound contact handled by an agent (handled_by 'agent') opened within "
            f"{FOLLOW_UP_DAYS} days after the same customer's previous inbound contact; "
            "acknowledged = its transcript contains one of the acknowledgement phrases "
            f"{list(ACKNOWLEDGEMENT)} (case-insensitive); difference = CSAT top-2-box share of "
            "acknowledged follow-ups minus that of the other follow-ups (CSAT responses linked "
            "by interaction_id)."
        ),
        "parameters": {
            "acknowledged_share_of_agent_follow_ups": 0.4,
            "planted_lift_of_dissatisfied_answers": world.sizes.acknowledged_lift,
        },
        "observed": observed,
    }


def distressed_priority(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, object]:
    distressed = "follow_up AND previous_open"
    seconds = "ln(greatest(epoch(first_response_at) - epoch(opened_at), 1))"
    observed = one(
        con,
        f"""{_FOLLOW_UPS}
            SELECT count(*) FILTER ({distressed} AND first_response_at IS NOT NULL)
                       AS n_distressed,
                   count(*) FILTER (NOT coalesce({distressed}, false)
                                    AND first_response_at IS NOT NULL) AS n_other,
                   exp(avg({seconds}) FILTER ({distressed})
                       - avg({seconds}) FILTER (NOT coalesce({distressed}, false)))
                       AS first_response_ratio
            FROM contacts""",
    )
    return {
        "description": "Customers chasing an issue still open are answered sooner by agents.",
        "definition": (
            "Among inbound contacts handled by an agent: distressed = a follow-up (opened within "
            f"{FOLLOW_UP_DAYS} days of the customer's previous inbound contact) whose previous "
            "contact was not resolved when it was opened; first_response_ratio = exp(mean log "
            "first-response seconds of distressed contacts - that of all other agent contacts) "
            "(a ratio of geometric means)."
        ),
        "parameters": {"planted_first_response_multiplier": world.sizes.distressed_response_factor},
        "observed": observed,
    }


MEASURES: dict[str, Measure] = {
    "weekday_csat_dip": weekday_dip,
    "billing_negative_sentiment": billing_sentiment,
    "bot_below_human": bot_gap,
    "churn_after_unresolved_technical": technical_churn,
    "understood_higher_cltv": understood_value,
    "team_empathy_csat": team_empathy,
    "training_sentiment_lift": training_lift,
    "proactive_outreach_retention": outreach_retention,
    "acknowledged_follow_up_csat": acknowledged_follow_up,
    "distressed_priority": distressed_priority,
}


def measure_effects(con: duckdb.DuckDBPyConnection, world: World) -> dict[str, dict[str, object]]:
    """Every effect, planted or not (an effect that is not planted shows only noise)."""
    return {
        name: {"planted": name in world.sizes.planted, **measure(con, world)}
        for name, measure in MEASURES.items()
    }
