"""Voice of the customer: masked quotes, the negative topics of recent quotes, praised staff.

Only `masked_text` is ever read (emails, phones and staff names are masked upstream), and
staff appear as agent pseudonyms, never by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.scorecard import formatting as fmt
from orchestration.scorecard.serving_reader import ServingFile

# Quotes and topics come from the last RECENT_DAYS of texts before the newest one.
RECENT_DAYS = 90


@dataclass(frozen=True)
class Quote:
    """A masked customer quote."""

    text: str
    source: str
    date: str
    topics: str


@dataclass(frozen=True)
class Topic:
    """A topic of recent negative quotes, with its strongest quote."""

    name: str
    latest: str
    example: str


@dataclass(frozen=True)
class PraisedAgent:
    """A staff member praised by customers, by pseudonym."""

    agent_key: str
    team: str
    praise: int
    negative: int
    example: str | None


@dataclass(frozen=True)
class Voice:
    """The voice-of-the-customer section; `reason` says why a part is empty."""

    praise: tuple[Quote, ...] = ()
    topics: tuple[Topic, ...] = ()
    staff: tuple[PraisedAgent, ...] = ()
    quotes_reason: str | None = None
    staff_reason: str | None = None


_RECENT = f"""
    recent as (
        select *
        from {{fct_verbatims}}
        where text_date is null
            or text_date >= (select max(text_date) from {{fct_verbatims}}) - {RECENT_DAYS}
    )
"""


def _praise(serving: ServingFile, limit: int) -> tuple[Quote, ...]:
    rows = serving.query(
        f"""
        with {_RECENT}
        select any_value(masked_text) as masked_text, any_value(source_entity) as source,
            max(text_date) as text_date, any_value(topics) as topics,
            max(sentiment_score) as strength
        from recent
        where polarity = 'positive'
        group by text_hash
        order by strength desc, text_date desc nulls last, text_hash
        limit ?
        """,
        [limit],
    )
    return tuple(
        Quote(
            text=row.masked_text,
            source=fmt.label(row.source),
            date=fmt.day(row.text_date),
            topics="" if fmt.is_missing(row.topics) else row.topics.replace("_", " "),
        )
        for row in rows.itertuples()
    )


def _negative_topics(serving: ServingFile, limit: int) -> tuple[Topic, ...]:
    rows = serving.query(
        f"""
        with {_RECENT}
        select topic, max(text_date) as latest, arg_min(masked_text, sentiment_score) as example
        from recent
        where polarity = 'negative' and topic <> 'no_topic'
        group by topic
        order by latest desc nulls last, topic
        limit ?
        """,
        [limit],
    )
    return tuple(
        Topic(
            name=fmt.label(row.topic),
            latest=fmt.day(row.latest),
            example=row.example,
        )
        for row in rows.itertuples()
    )


def _staff(serving: ServingFile, limit: int) -> tuple[PraisedAgent, ...]:
    rows = serving.query(
        """
        select agent_key, team, praise_count, negative_mentions,
            split_part(example_verbatims, ' | ', 1) as example
        from {fct_staff_recognition}
        where praise_count > 0
        order by recognition_rank
        limit ?
        """,
        [limit],
    )
    return tuple(
        PraisedAgent(
            agent_key=row.agent_key,
            team=row.team,
            praise=int(row.praise_count),
            negative=int(row.negative_mentions),
            example=None if fmt.is_missing(row.example) or not row.example else row.example,
        )
        for row in rows.itertuples()
    )


def voice(serving: ServingFile, quotes: int = 3, topics: int = 5, staff: int = 5) -> Voice:
    """Recent praise, recent negative topics and the most praised staff."""
    quotes_reason = serving.missing("fct_verbatims")
    staff_reason = serving.missing("fct_staff_recognition")
    praise = () if quotes_reason else _praise(serving, quotes)
    negative = () if quotes_reason else _negative_topics(serving, topics)
    praised = () if staff_reason else _staff(serving, staff)
    if not quotes_reason and not praise and not negative:
        quotes_reason = "no customer texts with a clear opinion in the exports"
    if not staff_reason and not praised:
        staff_reason = "no staff member was named in a positive customer text"
    return Voice(praise, negative, praised, quotes_reason, staff_reason)
