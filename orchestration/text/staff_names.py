"""Staff names customers write ("Sam B.", "Sam"), each linked to the agent's pseudonym.

Names come from ``restricted.employees_pii`` (full and display names) joined on employee_id to
``raw.employees`` (the agent pseudonym). A name links to an agent only when one agent has it;
a first name several agents share is masked but credited to nobody rather than to the wrong
person. Names are matched case-sensitively on TextBlob's tokens, so "Grace" is a name but
"grace" is a word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from orchestration.settings import RAW_SCHEMA, RESTRICTED_SCHEMA
from orchestration.text.textblob_compat import tokenized

Name = tuple[str, ...]


@dataclass(frozen=True)
class StaffDirectory:
    """Name forms (as token tuples) -> (agent pseudonym, name as written), by first token."""

    names: dict[Name, tuple[str | None, str]]  # agent None: a name several agents share
    by_first_token: dict[str, tuple[Name, ...]]

    @classmethod
    def from_people(cls, people: Iterable[tuple[str, str | None, str | None]]) -> StaffDirectory:
        """Build from (agent_id, full_name, display_name) rows."""
        claims: dict[Name, set[str]] = {}
        written: dict[Name, str] = {}
        for agent_id, full_name, display_name in people:
            for name in (full_name, display_name):
                tokens = tuple(tokenized(name).split()) if name and name.strip() else ()
                if not tokens or not tokens[0][:1].isupper() or len(tokens[0]) < 2:
                    continue
                written[tokens], written[tokens[:1]] = " ".join(name.split()), tokens[0]
                for form in {tokens, tokens[:1]}:
                    claims.setdefault(form, set()).add(agent_id)
        names = {n: (ids.pop() if len(ids) == 1 else None, written[n]) for n, ids in claims.items()}
        firsts: dict[str, list[Name]] = {}
        for name in sorted(names, key=len, reverse=True):
            firsts.setdefault(name[0], []).append(name)
        return cls(names, {t: tuple(forms) for t, forms in firsts.items()})

    def find(self, tokens: list[str]) -> tuple[list[str], list[str]]:
        """(agent pseudonyms, name strings as written) of the staff named in cased tokens."""
        if self.by_first_token.keys().isdisjoint(tokens):
            return [], []
        agents: list[str] = []
        written: list[str] = []
        for i, token in enumerate(tokens):
            for name in self.by_first_token.get(token, ()):
                if tuple(tokens[i : i + len(name)]) == name:
                    agent_id, surface = self.names[name]
                    if agent_id is not None and agent_id not in agents:
                        agents.append(agent_id)
                    written.append(surface)
                    break
        return agents, written


NO_STAFF = StaffDirectory({}, {})


def load_staff(con: duckdb.DuckDBPyConnection) -> StaffDirectory:
    """The directory from the build database; empty when HR data or names are missing."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables"
        ).fetchall()
    }
    employees, pii = f"{RAW_SCHEMA}.employees", f"{RESTRICTED_SCHEMA}.employees_pii"
    if not {employees, pii} <= present:
        return NO_STAFF
    rows = con.execute(
        f"""SELECT DISTINCT e.agent_id, p.full_name, p.display_name
            FROM {pii} p JOIN {employees} e USING (employee_id)
            WHERE e.agent_id IS NOT NULL"""
    ).fetchall()
    return StaffDirectory.from_people(rows)
