"""Fake personal data: names, emails on reserved example domains, fictional 555-01xx phones.

People are drawn as index pairs into fixed first- and last-name lists, so every derived
form (full name, display name, address, handle) is a vectorized lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_FIRST = [
    "Sam",
    "Alex",
    "Maria",
    "Jordan",
    "Priya",
    "Chen",
    "Fatima",
    "Lucas",
    "Olivia",
    "Noah",
    "Amara",
    "Mateo",
    "Hannah",
    "Yusuf",
    "Grace",
    "Diego",
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Elena",
    "Felix",
    "Gabriel",
    "Hana",
    "Isaac",
    "Julia",
    "Kofi",
    "Laura",
    "Mohammed",
    "Nina",
    "Oscar",
    "Paula",
    "Quinn",
    "Rosa",
    "Tariq",
    "Sofia",
    "Tom",
    "Uma",
    "Victor",
    "Wendy",
    "Xavier",
    "Yara",
    "Zoe",
    "Leo",
    "Ivy",
    "Omar",
    "Ruby",
    "Hugo",
    "Mei",
    "Ana",
    "Jonas",
    "Lea",
    "Emil",
    "Sara",
    "Nadia",
    "Ravi",
    "Ines",
    "Theo",
    "Carmen",
    "Kai",
]
_LAST = [
    "Brooks",
    "Garcia",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Silva",
    "Johnson",
    "Müller",
    "Rossi",
    "Haddad",
    "Kowalski",
    "Tanaka",
    "Jensen",
    "Dubois",
    "Schmidt",
    "Andersen",
    "Costa",
    "Murphy",
    "Walsh",
    "Ahmed",
    "Lopez",
    "Novak",
    "Fischer",
    "Moreau",
    "Sato",
    "Evans",
    "Hughes",
    "Reyes",
    "Bianchi",
    "Larsen",
    "Ortiz",
    "Byrne",
    "Chowdhury",
    "Meyer",
    "Ferreira",
    "Clarke",
    "Dimitrov",
    "Hansen",
    "Ito",
    "Kelly",
    "Mendes",
    "Park",
    "Romero",
    "Singh",
    "Turner",
    "Varga",
    "Wood",
    "Young",
    "Zhang",
    "Abbott",
]
_ASCII = str.maketrans("ü", "u")
FIRST = np.array(_FIRST, dtype=object)
LAST = np.array(_LAST, dtype=object)
_FIRST_ASCII = np.array([n.lower() for n in _FIRST], dtype=object)
_LAST_ASCII = np.array([n.lower().translate(_ASCII) for n in _LAST], dtype=object)
_INITIAL = np.array([n[0] + "." for n in _LAST], dtype=object)
_DOMAINS = np.array(["example.com", "example.net", "example.org"], dtype=object)


def _digits(values: np.ndarray) -> np.ndarray:
    return values.astype(str).astype(object)


@dataclass(frozen=True)
class People:
    """Index pairs into the name lists; one entry per person."""

    first: np.ndarray
    last: np.ndarray

    @classmethod
    def random(cls, rng: np.random.Generator, n: int) -> People:
        """Any names (repeats allowed)."""
        return cls(rng.integers(0, len(FIRST), n), rng.integers(0, len(LAST), n))

    @classmethod
    def distinct_display(cls, rng: np.random.Generator, n: int) -> People:
        """Names whose display form ('Sam B.') is unique while the lists allow it."""
        first = np.repeat(np.arange(len(FIRST)), len(LAST))
        last = np.tile(np.arange(len(LAST)), len(FIRST))
        _, one_per_display = np.unique(FIRST[first] + _INITIAL[last], return_index=True)
        picks = rng.permutation(one_per_display)[:n]
        if n > len(picks):
            picks = np.concatenate([picks, rng.integers(0, len(first), n - len(picks))])
        return cls(first[picks], last[picks])

    def full_names(self) -> np.ndarray:
        return FIRST[self.first] + " " + LAST[self.last]

    def display_names(self) -> np.ndarray:
        """The name customers see: first name and last initial."""
        return FIRST[self.first] + " " + _INITIAL[self.last]

    def emails(self, rng: np.random.Generator, tag: str = "") -> np.ndarray:
        """Addresses on the reserved example.* domains (``tag`` ends the local part)."""
        n = len(self.first)
        number = _digits(rng.integers(1, 100, n))
        domain = _DOMAINS[rng.integers(0, len(_DOMAINS), n)]
        local = _FIRST_ASCII[self.first] + "." + _LAST_ASCII[self.last] + number + tag
        return local + "@" + domain

    def handles(self, rng: np.random.Generator) -> np.ndarray:
        """Social-media handles."""
        return "@" + _FIRST_ASCII[self.first] + _digits(rng.integers(10, 10_000, len(self.first)))


CUSTOMER_AREA_CODES = (201, 900)
PLANTED_AREA_CODES = (900, 990)  # never a customer's, so a planted number is nobody's CRM phone


def phones(
    rng: np.random.Generator, n: int, area_codes: tuple[int, int] = CUSTOMER_AREA_CODES
) -> np.ndarray:
    """North-American style numbers in the fictional 555-0100..0199 range."""
    area = _digits(rng.integers(*area_codes, n))
    return "(" + area + ") 555-0" + _digits(rng.integers(100, 200, n))
