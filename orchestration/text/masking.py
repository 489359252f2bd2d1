"""Mask personal data in texts before they are stored: emails, phone and card-like numbers,
and the names of staff found in the text.

Numbers are judged by their digit count: 13 to 19 digits (without a leading "+" or an area
code in parentheses) read as a payment card, 7 to 15 as a phone number; dates are kept.
Over-masking an order number is accepted; leaking a phone number is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
CARD_TOKEN = "[card]"
STAFF_TOKEN = "[staff]"

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"(?<![\w+])\+?\(?\d[\d \t\u00a0().-]{5,}\d(?!\w)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def _mask_number(match: re.Match[str]) -> str:
    number = match.group(0)
    if _DATE.fullmatch(number):
        return number
    digits = sum(c.isdigit() for c in number)
    if 13 <= digits <= 19 and not number.startswith(("+", "(")):
        return CARD_TOKEN
    if 7 <= digits <= 15:
        return PHONE_TOKEN
    return number


@lru_cache(maxsize=4096)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def mask_text(text: str, staff_names: Iterable[str] = ()) -> str:
    """The text with emails, phone numbers, card-like numbers and the given names masked."""
    if "@" in text:
        text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _NUMBER.sub(_mask_number, text)
    names = tuple(sorted(set(staff_names)))
    if names:
        text = _names_pattern(names).sub(STAFF_TOKEN, text)
    return text
