"""Masking of emails, phone and card numbers and staff names; staff names linked to agents."""

from __future__ import annotations

import pytest

from orchestration.text.masking import mask_text
from orchestration.text.staff_names import StaffDirectory
from orchestration.text.textblob_compat import tokenized


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Reach me at jane.doe+home@example.org today", "Reach me at [email] today"),
        ("Call me back on (212) 555-0123.", "Call me back on [phone]."),
        ("My number is +44 20 7946 0958", "My number is [phone]"),
        ("call 555-0199 please", "call [phone] please"),
        ("Card 4111 1111 1111 1111 was charged", "Card [card] was charged"),
        ("card 4111-1111-1111-1111", "card [card]"),
        (
            "Visited on 2024-01-05, order 123 for $1,299.99",
            "Visited on 2024-01-05, order 123 for $1,299.99",
        ),
    ],
)
def test_personal_numbers_and_emails_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked


STAFF = StaffDirectory.from_people(
    [
        ("agent-a", "Sam Brown", "Sam B."),
        ("agent-b", "Sam Green", "Sam G."),
        ("agent-c", "Priya Natarajan", "Priya N."),
        ("agent-d", None, None),
    ]
)


def find(text: str) -> tuple[list[str], list[str]]:
    return STAFF.find(tokenized(text).split())


def test_staff_names_link_to_their_agent_and_are_masked() -> None:
    text = "Thanks Sam B., and Priya was great too!"
    agents, names = find(text)
    assert agents == ["agent-a", "agent-c"]
    assert mask_text(text, names) == "Thanks [staff], and [staff] was great too!"


def test_a_first_name_two_agents_share_is_masked_but_credited_to_nobody() -> None:
    agents, names = find("Sam was lovely.")
    assert agents == []
    assert mask_text("Sam was lovely.", names) == "[staff] was lovely."


def test_names_are_matched_as_written_not_as_words() -> None:
    assert find("priya was great") == ([], [])
    assert find("Sampling was great") == ([], [])
    assert StaffDirectory.from_people([]).find(["Sam"]) == ([], [])
