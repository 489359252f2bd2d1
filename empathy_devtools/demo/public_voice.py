"""Public reviews (with the business's replies) and social-media mentions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo import phrases as p
from empathy_devtools.demo.customers import LOCATIONS
from empathy_devtools.demo.interactions import draw_tone
from empathy_devtools.demo.keys import sequence_ids
from empathy_devtools.demo.names import People
from empathy_devtools.demo.staff import Staff
from empathy_devtools.demo.timeline import DAY, Timeline, open_hours, to_datetime

REVIEW_PLATFORMS = np.array(["Google", "Yelp", "Facebook", "Trustpilot", "Angi"], dtype=object)
REVIEW_PLATFORM_SHARE = [0.5, 0.2, 0.15, 0.1, 0.05]
SOCIAL_PLATFORMS = np.array(["instagram", "x", "facebook", "tiktok", "reddit"], dtype=object)
SOCIAL_PLATFORM_SHARE = [0.35, 0.25, 0.2, 0.1, 0.1]
REVIEWS_PER_CUSTOMER_MONTH = 0.012
MENTIONS_PER_CUSTOMER_MONTH = 0.006
REPLY_SHARE = 0.65
PRAISE_SHARE = 0.25  # positive reviews naming a staff member


def _days(rng: np.random.Generator, timeline: Timeline, n: int) -> np.ndarray:
    return np.sort(rng.integers(timeline.start_day, timeline.end_day, n))


def make_reviews(
    rng: np.random.Generator, customers: int, staff: Staff, timeline: Timeline, months: int
) -> pd.DataFrame:
    """Star ratings with texts that match them; some praise an agent by display name."""
    n = max(20, round(customers * REVIEWS_PER_CUSTOMER_MONTH * months))
    day = _days(rng, timeline, n)
    rating = np.array([1, 2, 3, 4, 5])[rng.choice(5, n, p=[0.15, 0.1, 0.1, 0.2, 0.45])]
    tone = np.select([rating >= 4, rating == 3], [p.POSITIVE, p.NEUTRAL], p.NEGATIVE)
    text = p.pick_by(rng, tone, p.REVIEW)
    second = p.pick_by(rng, tone, p.REVIEW)
    text = np.where((rng.random(n) < 0.4) & (second != text), text + " " + second, text)
    agents = staff.holders(rng.integers(0, len(staff.slot_holder), n), day * DAY)
    praised = np.flatnonzero((tone == p.POSITIVE) & (rng.random(n) < PRAISE_SHARE))
    names = staff.column("display_name", agents[praised])
    text[praised] = p.praise(rng, p.REVIEW_PRAISE, names) + " " + text[praised]
    created = open_hours(rng, day)
    reply_at = created + rng.integers(DAY // 2, 5 * DAY, n)
    replied = (rng.random(n) < REPLY_SHARE) & (reply_at < timeline.end_day * DAY)
    return pd.DataFrame(
        {
            "review_id": sequence_ids("RV", n, 10001),
            "platform": REVIEW_PLATFORMS[
                rng.choice(len(REVIEW_PLATFORMS), n, p=REVIEW_PLATFORM_SHARE)
            ],
            "location": LOCATIONS[rng.choice(len(LOCATIONS), n, p=[0.45, 0.35, 0.2])],
            "rating": rating.astype(float),
            "review_text": text,
            "created_at": to_datetime(created),
            "reply_text": np.where(replied, p.pick_by(rng, tone, p.REPLY), None),
            "replied_at": to_datetime(np.where(replied, reply_at, np.nan)),
            "author_name": People.random(rng, n).display_names(),
            "_tone": tone,
        }
    )


def make_social_mentions(
    rng: np.random.Generator, customers: int, timeline: Timeline, months: int
) -> pd.DataFrame:
    """Posts that mention the business."""
    n = max(10, round(customers * MENTIONS_PER_CUSTOMER_MONTH * months))
    day = _days(rng, timeline, n)
    tone = draw_tone(rng, n, (0.25, 0.3, 0.45))
    posted = day * DAY + rng.integers(7 * 3600, 23 * 3600, n)
    return pd.DataFrame(
        {
            "mention_id": sequence_ids("M", n, 500001, 7),
            "platform": SOCIAL_PLATFORMS[
                rng.choice(len(SOCIAL_PLATFORMS), n, p=SOCIAL_PLATFORM_SHARE)
            ],
            "mention_text": p.pick_by(rng, tone, p.SOCIAL),
            "posted_at": to_datetime(posted),
            "author_handle": People.random(rng, n).handles(rng),
            "_tone": tone,
        }
    )
