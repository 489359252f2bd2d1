"""The planted effects: their names and the magnitudes the generator plants when switched on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PLANTED_EFFECTS: tuple[str, ...] = (
    "weekday_csat_dip",
    "billing_negative_sentiment",
    "bot_below_human",
    "churn_after_unresolved_technical",
    "understood_higher_cltv",
    "team_empathy_csat",
    "training_sentiment_lift",
    "proactive_outreach_retention",
    "acknowledged_follow_up_csat",
    "distressed_priority",
)

DIP_WEEKDAY = 1  # Monday = 0: Tuesday is understaffed


@dataclass(frozen=True)
class EffectSizes:
    """Magnitudes used by the generator; a switched-off effect has its neutral value."""

    planted: frozenset[str]
    weekday_top2_delta: float = 0.0  # CSAT top-2-box probability on the dip weekday
    weekday_response_slowdown: float = 1.0  # first-response time multiplier on that weekday
    billing_negative_flip: float = 0.0  # probability a billing text turns negative
    bot_top2_delta: float = 0.0  # CSAT top-2-box probability after a bot conversation
    bot_extra_unresolved: float = 0.0  # bots struggle: extra probability of no resolution
    technical_churn_trigger: float = 0.0  # P(cancel within 90 d | unresolved technical)
    understood_order_rate: float = 1.0  # order-rate multiplier for customers who feel understood
    understood_extra_quantity: float = 0.0  # extra mean units per order for them
    understood_churn_hazard: float = 1.0  # churn-hazard multiplier for them (others: inverse)
    team_top2_per_empathy: float = 0.0  # CSAT top-2 shift per unit of team empathy (-1..1)
    training_positive_flip: float = 0.0  # probability a trained team's text turns positive
    setup_churn_reached: float = 0.22  # P(cancel within 150 d of a complex order | reached)
    acknowledged_lift: float = 0.0  # P(a CSAT of 1-3 becomes 4 | agent acknowledged)
    distressed_response_factor: float = 1.0  # first-response multiplier, open issue chased

    @classmethod
    def for_effects(cls, effects: Iterable[str] | None) -> EffectSizes:
        """Sizes for the given effect names (None: all of them)."""
        chosen = frozenset(PLANTED_EFFECTS if effects is None else effects)
        unknown = chosen - set(PLANTED_EFFECTS)
        if unknown:
            raise ValueError(f"unknown effects {sorted(unknown)}; known: {list(PLANTED_EFFECTS)}")
        sizes: dict[str, float] = {}
        if "weekday_csat_dip" in chosen:
            sizes |= {"weekday_top2_delta": -0.15, "weekday_response_slowdown": 2.5}
        if "billing_negative_sentiment" in chosen:
            sizes["billing_negative_flip"] = 0.40
        if "bot_below_human" in chosen:
            sizes |= {"bot_top2_delta": -0.20, "bot_extra_unresolved": 0.12}
        if "churn_after_unresolved_technical" in chosen:
            sizes["technical_churn_trigger"] = 0.20
        if "understood_higher_cltv" in chosen:
            sizes |= {
                "understood_order_rate": 1.3,
                "understood_extra_quantity": 0.35,
                "understood_churn_hazard": 0.5,
            }
        if "team_empathy_csat" in chosen:
            sizes["team_top2_per_empathy"] = 0.08
        if "training_sentiment_lift" in chosen:
            sizes["training_positive_flip"] = 0.35
        if "proactive_outreach_retention" in chosen:
            sizes["setup_churn_reached"] = 0.04
        if "acknowledged_follow_up_csat" in chosen:
            sizes["acknowledged_lift"] = 0.5
        if "distressed_priority" in chosen:
            sizes["distressed_response_factor"] = 0.4
        return cls(planted=chosen, **sizes)


SETUP_CHURN_NOT_REACHED = 0.22  # P(cancel within 150 d of a complex order | not reached)
