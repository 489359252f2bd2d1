"""A few emails and phone numbers written into free texts, so that masking can be tested.

They are fictional (example.* addresses, 555-01xx numbers) and never any customer's CRM
contact data (other address pattern, other area codes); the ground truth lists each one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from empathy_devtools.demo.names import PLANTED_AREA_CODES, People, phones

TEXTS_PER_PLANT = 1000


def _plant(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    text: str,
    key: str,
    entity: str,
    candidates: np.ndarray,
    line: str,
) -> list[dict[str, str]]:
    k = min(len(candidates), max(2, len(frame) // TEXTS_PER_PLANT))
    rows = np.sort(rng.choice(candidates, k, replace=False))
    is_email = np.arange(k) % 2 == 0
    emails = People.random(rng, k).emails(rng, tag=".home")
    values = np.where(is_email, emails, phones(rng, k, PLANTED_AREA_CODES))
    kinds = np.where(is_email, "email", "phone")
    sentences = np.where(is_email, "You can reach me at ", "Call me back on ") + values + "."
    frame.loc[rows, text] = (
        frame.loc[rows, text].to_numpy(dtype=object) + line + sentences.astype(object)
    )
    ids = frame.loc[rows, key].to_numpy()
    return [
        {"entity": entity, "id": str(i), "field": text, "kind": str(kd), "value": str(v)}
        for i, kd, v in zip(ids, kinds, values, strict=True)
    ]


def plant_pii(
    rng: np.random.Generator, interactions: pd.DataFrame, surveys: pd.DataFrame
) -> list[dict[str, str]]:
    """Append contact details to some inbound transcripts and survey comments (in place)."""
    inbound = np.flatnonzero((interactions["direction"] == "inbound").to_numpy())
    commented = np.flatnonzero(surveys["comment"].notna().to_numpy())
    return _plant(
        rng, interactions, "transcript", "interaction_id", "interactions", inbound, "\ncustomer: "
    ) + _plant(rng, surveys, "comment", "response_id", "survey_responses", commented, " ")
