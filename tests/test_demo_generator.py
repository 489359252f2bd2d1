"""The demo export generator: reproducible, scalable, mapped, and carrying its planted effects.

Effects are measured here from the exported files with DuckDB SQL, through the export
layouts and the demo mappings, never from the generator's internals. A business generated
with no planted effect is the control: each effect must be clearly present in the planted
business and absent (within noise) in the control.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from empathy_devtools.demo.generator import PLANTED_EFFECTS, DemoSize, generate
from orchestration.settings import PROJECT_ROOT

MAPPINGS = PROJECT_ROOT / "mappings"
SOURCES = ("reviews", "surveys", "crm", "hr")
CONTRACTS = PROJECT_ROOT / "contracts"
SEED = 5
SMALL = DemoSize(customers=300, agents=10, months=12)
NEGATIVE = (
    r"on hold|never called back|rude|dismissive|ignor|frustrat|unhelpful|not helpful"
    r"|waste of time|disappointed|useless|nobody"
)
POSITIVE = (
    r"helpful|understanding|caring|above and beyond|friendly|patient|kind|thank|great"
    r"|excellent|appreciate|perfect|wonderful|brilliant"
)
TEQ_REVERSED = (2, 4, 7, 10, 11, 12, 14, 15)
PII_PATTERN = r"[A-Z][a-z]+ [A-Z][a-zü]+|[\w.]+@[\w.]+\.[a-z]+|\(\d{3}\) \d{3}-\d{4}"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default-size business with every effect planted."""
    out = tmp_path_factory.mktemp("planted")
    generate(out, DemoSize(), seed=SEED)
    return out


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same business with no planted effect."""
    out = tmp_path_factory.mktemp("control")
    generate(out, DemoSize(), seed=SEED, effects=frozenset())
    return out


def truth(out: Path) -> dict:
    return json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))


def mapping(source: str) -> dict:
    return yaml.safe_load((MAPPINGS / f"{source}.yml").read_text(encoding="utf-8"))


def contract(source: str) -> dict:
    return yaml.safe_load((CONTRACTS / f"{source}.yml").read_text(encoding="utf-8"))


def quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect_exports(out: Path) -> duckdb.DuckDBPyConnection:
    """Views over the exported files, in the export's own column names and formats."""
    con = duckdb.connect()
    customer_turns = (
        "array_to_string(list_filter(string_split(conversation, chr(10)), "
        "lambda t: starts_with(t, 'customer: ')), chr(10))"
    )
    con.execute(
        f"""
        CREATE TABLE responses AS
        SELECT "Response ID" AS response_id, lower("Survey") AS survey,
               strptime("Submitted", '%d.%m.%Y %H:%M') AS submitted,
               TRY_CAST("Score" AS INTEGER) AS score,
               TRY_CAST("Understood (1-5)" AS INTEGER) AS understood,
               "Customer Ref" AS customer_id, "Ticket Ref" AS ticket_id, "Comment" AS comment
        FROM read_csv({quoted(out / "surveys/survey_responses.csv")}, delim = ';',
                      header = true, all_varchar = true)
        WHERE TRY_CAST("Score" AS INTEGER) IS NOT NULL
          AND NOT ("Survey" = 'CSAT' AND TRY_CAST("Score" AS INTEGER) NOT BETWEEN 1 AND 5)
        QUALIFY row_number() OVER (PARTITION BY "Response ID") = 1;
        CREATE VIEW csat AS
        SELECT * FROM responses WHERE survey = 'csat' AND score BETWEEN 1 AND 5;
        CREATE TABLE tickets AS
        SELECT json ->> 'ticket_id' AS ticket_id, json ->> 'requester_id' AS customer_id,
               json ->> 'via' AS via, lower(json ->> 'category') AS category,
               json ->> 'direction' AS direction,
               (json ->> 'handled_by_bot')::BOOLEAN AS handled_by_bot,
               (json ->> 'escalated')::BOOLEAN AS escalated, json ->> 'assignee' AS assignee,
               strptime(json ->> 'created_at', '%Y-%m-%dT%H:%M:%SZ') AS opened_at,
               json ->> 'solved_at' IS NULL AS unresolved,
               {
            customer_turns.replace("conversation", "(json ->> 'conversation')")
        } AS customer_text
        FROM read_json_objects({quoted(out / "crm/helpdesk_tickets.jsonl")},
                               format = 'newline_delimited');
        CREATE TABLE orders AS
        SELECT "Customer ID" AS customer_id, TRY_CAST("Total" AS DOUBLE) AS amount,
               try_strptime("Order Date", '%m/%d/%Y %I:%M %p') AS ordered_at,
               "Needs Setup" = 'Yes' AS complex
        FROM read_csv({quoted(out / "crm/orders.csv")}, header = true, all_varchar = true)
        WHERE try_strptime("Order Date", '%m/%d/%Y %I:%M %p') IS NOT NULL;
        CREATE TABLE cancellations AS
        SELECT "Customer ID" AS customer_id,
               strptime("Cancelled On", '%Y-%m-%d %H:%M:%S') AS cancelled_at
        FROM read_csv({quoted(out / "crm/cancellations.csv")}, header = true, all_varchar = true);
        CREATE TABLE employees AS
        SELECT "Employee Number" AS employee_id, "CRM Agent ID" AS agent_id, "Team" AS team,
               "Customer Facing" = 'Y' AS frontline, "Preferred Name" AS display_name
        FROM read_csv({quoted(out / "hr/employees.csv")}, header = true, all_varchar = true);
        CREATE TABLE teq AS
        SELECT "Employee Number" AS employee_id,
               {
            " + ".join(
                f'(4 - "Q{i}"::INT)' if i in TEQ_REVERSED else f'"Q{i}"::INT' for i in range(1, 17)
            )
        } AS total
        FROM read_csv({quoted(out / "hr/teq_assessments.csv")}, header = true, all_varchar = true);
        CREATE TABLE initiatives AS
        SELECT "Type" AS kind, string_split("Teams", ';') AS teams,
               strptime("Start", '%d/%m/%Y') AS started_at
        FROM read_csv({quoted(out / "hr/initiatives.csv")}, header = true, all_varchar = true);
        CREATE VIEW training AS SELECT * FROM initiatives WHERE kind = 'training';
        """
    )
    return con


def share(condition: str) -> str:
    return f"avg(CASE WHEN {condition} THEN 1.0 ELSE 0.0 END)"


def measure(out: Path) -> dict[str, float]:
    """Each planted effect's size, measured from the exported files.

    Only the end of the history window is taken from the ground truth (to know which
    contacts and purchases have 90 or 180 days observed after them).
    """
    con = connect_exports(out)
    end = f"TIMESTAMP '{truth(out)['date_range']['end']}' + INTERVAL 1 DAY"

    def value(sql: str) -> float:
        return con.execute(sql).fetchone()[0]

    negative = f"regexp_matches(lower(text), '{NEGATIVE}')"
    positive = f"regexp_matches(lower(text), '{POSITIVE}') AND NOT {negative}"
    texts = """
        SELECT category, customer_text AS text FROM tickets WHERE direction = 'inbound'
        UNION ALL
        SELECT t.category, r.comment FROM responses r JOIN tickets t USING (ticket_id)
        WHERE r.comment IS NOT NULL AND t.direction = 'inbound'"""
    top2 = share("score >= 4")
    return {
        "weekday_csat_dip": value(
            f"""SELECT {top2} FILTER (isodow(submitted) = 2)
                       - {top2} FILTER (isodow(submitted) <> 2) FROM csat"""
        ),
        "billing_negative_sentiment": value(
            f"""SELECT {share(negative)} FILTER (category = 'billing')
                       - {share(negative)} FILTER (category <> 'billing') FROM ({texts})"""
        ),
        "bot_below_human": value(
            f"""SELECT {top2} FILTER (handled_by_bot) - {top2} FILTER (NOT handled_by_bot)
                FROM csat JOIN tickets USING (ticket_id)"""
        ),
        "churn_after_unresolved_technical": value(
            f"""WITH x AS (
                    SELECT category = 'technical' AND unresolved AS exposed,
                           {
                share(
                    "c.cancelled_at > t.opened_at AND c.cancelled_at <= "
                    "t.opened_at + INTERVAL 90 DAY"
                )
            } AS rate
                    FROM tickets t LEFT JOIN cancellations c USING (customer_id)
                    WHERE direction = 'inbound'
                      AND opened_at < {end} - INTERVAL 90 DAY
                    GROUP BY 1)
                SELECT max(rate) FILTER (exposed) / max(rate) FILTER (NOT exposed) FROM x"""
        ),
        "understood_higher_cltv": value(
            """WITH seg AS (
                   SELECT customer_id, avg(understood) >= 4 AS understood FROM responses
                   WHERE understood IS NOT NULL GROUP BY 1),
               cltv AS (
                   SELECT seg.understood, coalesce(sum(o.amount), 0) AS value
                   FROM seg LEFT JOIN orders o USING (customer_id)
                   GROUP BY seg.customer_id, seg.understood)
               SELECT avg(value) FILTER (understood) / avg(value) FILTER (NOT understood)
               FROM cltv"""
        ),
        "understood_lower_churn": value(
            f"""WITH seg AS (
                    SELECT customer_id, avg(understood) >= 4 AS understood FROM responses
                    WHERE understood IS NOT NULL GROUP BY 1)
                SELECT {share("c.customer_id IS NOT NULL")} FILTER (understood)
                       - {share("c.customer_id IS NOT NULL")} FILTER (NOT understood)
                FROM seg LEFT JOIN (SELECT DISTINCT customer_id FROM cancellations) c
                USING (customer_id)"""
        ),
        "team_empathy_csat": value(
            f"""WITH team_csat AS (
                    SELECT e.team, {top2} AS top2 FROM csat
                    JOIN tickets t USING (ticket_id) JOIN employees e ON e.agent_id = t.assignee
                    WHERE NOT t.handled_by_bot GROUP BY 1),
                team_teq AS (
                    SELECT e.team, avg(total) AS teq FROM teq JOIN employees e USING (employee_id)
                    GROUP BY 1)
                SELECT regr_slope(top2, teq) * 14 FROM team_csat JOIN team_teq USING (team)"""
        ),
        "training_sentiment_lift": value(
            f"""WITH x AS (
                    SELECT list_contains(tr.teams, e.team) AS trained,
                           t.opened_at >= tr.started_at AS after,
                           {share(positive.replace("text", "t.customer_text"))} AS positive
                    FROM tickets t JOIN employees e ON e.agent_id = t.assignee
                    CROSS JOIN training tr
                    WHERE t.direction = 'inbound' AND NOT t.handled_by_bot GROUP BY 1, 2)
                SELECT (max(positive) FILTER (trained AND after)
                        - max(positive) FILTER (trained AND NOT after))
                     - (max(positive) FILTER (NOT trained AND after)
                        - max(positive) FILTER (NOT trained AND NOT after)) FROM x"""
        ),
        "proactive_outreach_retention": value(
            f"""WITH first_complex AS (
                    SELECT customer_id, min(ordered_at) AS bought FROM orders WHERE complex
                    GROUP BY 1),
                start AS (SELECT started_at AS at FROM initiatives WHERE kind = 'process_change'),
                cohort AS (
                    SELECT f.customer_id,
                           EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = f.customer_id
                                   AND t.direction = 'outbound'
                                   AND t.opened_at BETWEEN f.bought
                                       AND f.bought + INTERVAL 30 DAY) AS reached,
                           EXISTS (SELECT 1 FROM cancellations c
                                   WHERE c.customer_id = f.customer_id
                                   AND c.cancelled_at > f.bought
                                   AND c.cancelled_at <= f.bought + INTERVAL 180 DAY) AS churned
                    FROM first_complex f, start
                    WHERE f.bought >= start.at
                      AND f.bought < {end} - INTERVAL 180 DAY)
                SELECT {share("churned")} FILTER (reached) - {share("churned")} FILTER (NOT reached)
                FROM cohort"""
        ),
    }


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, SMALL, seed=SEED)
    generate(second, SMALL, seed=SEED)
    generate(other, SMALL, seed=SEED + 1)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 13  # twelve exports and the ground truth
    assert sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file()) == files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "crm/orders.csv").read_bytes() != (other / "crm/orders.csv").read_bytes()


def test_size_scales_customers_agents_and_history(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    generate(small, SMALL, seed=SEED)
    generate(large, DemoSize(customers=3 * SMALL.customers, agents=20, months=15), seed=SEED)
    counts = {}
    for out in (small, large):
        con = connect_exports(out)
        counts[out] = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("tickets", "orders", "responses", "employees")
        }
        counts[out]["customers"] = len((out / "crm/customers.csv").read_text().splitlines()) - 1
        first, last = con.execute("SELECT min(opened_at), max(opened_at) FROM tickets").fetchone()
        months = truth(out)["size"]["months"]
        assert (last - first).days >= 30.4 * (months - 1)
        assert str(last.date()) <= truth(out)["date_range"]["end"] == "2025-06-30"
    assert counts[small]["customers"] == 300
    assert counts[large]["customers"] == 900
    for table in ("tickets", "orders", "responses"):  # 3x customers, 1.25x months
        assert 3 < counts[large][table] / counts[small][table] < 5, table
    assert counts[large]["employees"] > counts[small]["employees"] >= 10


def export_table(con: duckdb.DuckDBPyConnection, out: Path, entity_mapping: dict) -> int:
    """Read an entity's files as text columns plus _file_name and _row_number, as declared."""
    files = sorted(out.glob(entity_mapping["files"]))
    assert files, f"no file matches {entity_mapping['files']}"
    listed = "[" + ", ".join(quoted(p) for p in files) + "]"
    if entity_mapping.get("format", "csv") == "jsonl":
        source = f"read_json_objects({listed}, format = 'newline_delimited', filename = '_file')"
        keys = [
            k
            for (k,) in con.execute(
                f"SELECT DISTINCT unnest(json_keys(json)) FROM {source}"
            ).fetchall()
        ]
        columns = ", ".join(f"json ->> '{k}' AS \"{k}\"" for k in keys)
    else:
        delimiter = entity_mapping.get("delimiter", ",").replace("'", "''")
        source = (
            f"read_csv({listed}, delim = '{delimiter}', header = true, all_varchar = true, "
            f"encoding = '{entity_mapping.get('encoding', 'utf-8')}', filename = '_file')"
        )
        columns = "* EXCLUDE (_file)"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE export AS
            SELECT {columns}, parse_filename(_file) AS _file_name,
                   row_number() OVER () AS _row_number FROM {source}"""
    )
    return con.execute("SELECT count(*) FROM export").fetchone()[0]


@pytest.mark.parametrize("source", SOURCES)
def test_every_mapped_file_parses_and_maps_onto_the_contract(planted: Path, source: str) -> None:
    """Declared delimiter/encoding read every file; mapped columns exist and type as contracted."""
    ground = truth(planted)
    documented = {(m["file"], m["column"], m["kind"]): m["count"] for m in ground["messy_rows"]}
    entities = contract(source)["entities"]
    for entity, entity_mapping in mapping(source)["entities"].items():
        con = duckdb.connect()
        rows = export_table(con, planted, entity_mapping)
        path = next(p for p, f in ground["files"].items() if f["entity"] == entity)
        assert rows == ground["files"][path]["rows"] > 0, entity
        header = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE export)").fetchall()]
        formats = "[" + ", ".join(f"'{f}'" for f in entity_mapping.get("date_formats", [])) + "]"
        for column, source_of in entity_mapping["columns"].items():
            spec = entities[entity]["columns"][column]
            if isinstance(source_of, str):
                assert source_of in header, f"{entity}.{column}: no export column {source_of!r}"
                expression = f'"{source_of}"'
            else:
                expression = f"({source_of['sql']})"
            values = f"SELECT CAST({expression} AS VARCHAR) AS v FROM export"
            blank = con.execute(f"SELECT count(*) FROM ({values}) WHERE trim(v) = '' OR v IS NULL")
            if spec.get("required"):
                expected = documented.get((path, column, "blank_required_field"), 0)
                assert blank.fetchone()[0] == expected, f"{entity}.{column} blanks"
            if spec["type"] in ("DATE", "TIMESTAMP") and isinstance(source_of, str):
                unparsed = con.execute(
                    f"SELECT count(*) FROM ({values}) WHERE v IS NOT NULL "
                    f"AND try_strptime(v, {formats}::VARCHAR[]) IS NULL"
                ).fetchone()[0]
                assert unparsed == documented.get((path, column, "unparseable_date"), 0), column
            if "accepted" in spec:
                allowed = "[" + ", ".join(f"'{a}'" for a in spec["accepted"]) + "]"
                outside = con.execute(
                    f"SELECT count(*) FROM ({values}) "
                    f"WHERE v IS NOT NULL AND NOT list_contains({allowed}, lower(trim(v)))"
                ).fetchone()[0]
                assert outside == 0, f"{entity}.{column} has values outside {spec['accepted']}"


def test_messy_rows_are_few_and_exactly_as_documented(planted: Path) -> None:
    ground = truth(planted)
    kinds = {m["kind"] for m in ground["messy_rows"]}
    assert kinds == {
        "blank_required_field",
        "unparseable_date",
        "out_of_range_score",
        "duplicate_id",
        "category_variant",
    }
    con = connect_exports(planted)
    responses = quoted(planted / "surveys/survey_responses.csv")
    surveys = f"read_csv({responses}, delim = ';', all_varchar = true)"
    for messy in ground["messy_rows"]:
        assert 0 < messy["count"] < 0.01 * ground["files"][messy["file"]]["rows"], messy["kind"]
        ids = "[" + ", ".join(f"'{i}'" for i in messy["ids"]) + "]"
        check = {
            "blank_required_field": f"""SELECT count(*) FROM {surveys}
                WHERE list_contains({ids}, "Response ID") AND "Score" IS NULL""",
            "out_of_range_score": f"""SELECT count(*) FROM {surveys}
                WHERE list_contains({ids}, "Response ID")
                  AND "Score" = '6' AND "Survey" = 'CSAT'""",
            "duplicate_id": f"""SELECT count(*) FROM (SELECT DISTINCT * FROM {surveys})
                WHERE list_contains({ids}, "Response ID")""",
            "unparseable_date": f"""SELECT count(*) FROM read_csv(
                {quoted(planted / "crm/orders.csv")}, all_varchar = true)
                WHERE list_contains({ids}, "Order No")
                  AND try_strptime("Order Date", '%m/%d/%Y %I:%M %p') IS NULL""",
            "category_variant": f"""SELECT count(*) FROM tickets
                WHERE list_contains({ids}, ticket_id) AND via IN ('Phone ', 'EMAIL')""",
        }[messy["kind"]]
        assert con.execute(check).fetchone()[0] == messy["count"], messy["kind"]
    duplicated = con.execute(
        f"""SELECT count(*) FROM (
                SELECT "Response ID" FROM {surveys} GROUP BY 1 HAVING count(*) > 1)"""
    ).fetchone()[0]
    assert duplicated == next(
        m["count"] for m in ground["messy_rows"] if m["kind"] == "duplicate_id"
    )
    for counts in ground["entities"].values():
        assert counts["rows_loaded"] + counts["rows_quarantined"] == counts["rows_read"]


def test_texts_hold_no_customer_pii_except_the_documented_plants(planted: Path) -> None:
    ground = truth(planted)
    con = connect_exports(planted)
    con.execute(
        f"""CREATE VIEW texts AS
            SELECT "Review" AS text FROM read_csv(
                {quoted(planted / "reviews/review_aggregator_export.csv")}, all_varchar = true)
            UNION ALL SELECT "Post" FROM read_csv(
                {quoted(planted / "reviews/social_listening_mentions.tsv")}, delim = '\t',
                all_varchar = true)
            UNION ALL SELECT comment FROM responses
            UNION ALL SELECT "Anything else you'd like to tell us?" FROM read_csv(
                {quoted(planted / "surveys/exit_survey_form.csv")}, all_varchar = true)
            UNION ALL SELECT json ->> 'conversation' FROM read_json_objects(
                {quoted(planted / "crm/helpdesk_tickets.jsonl")}, format = 'newline_delimited');
            CREATE VIEW pii AS
            SELECT unnest(["Full Name", "E-mail", "Phone"]) AS value FROM read_csv(
                {quoted(planted / "crm/customers.csv")}, all_varchar = true);
            CREATE VIEW candidates AS  -- whatever in a text looks like a name, email or phone
            SELECT unnest(regexp_extract_all(text, '{PII_PATTERN}')) AS value FROM texts"""
    )
    leaked = con.execute("SELECT count(*) FROM candidates JOIN pii USING (value)").fetchone()[0]
    assert leaked == 0
    plants = ground["planted_pii"]
    assert {p["kind"] for p in plants} == {"email", "phone"}
    assert {p["entity"] for p in plants} == {"interactions", "survey_responses"}
    for plant in plants:
        found = con.execute("SELECT count(*) FROM texts WHERE contains(text, ?)", [plant["value"]])
        assert found.fetchone()[0] >= 1, plant["id"]
    emails = con.execute(
        r"SELECT count(*) FROM texts WHERE regexp_matches(text, '[\w.]+@[\w.]+\.[a-z]+')"
    ).fetchone()[0]
    assert emails == sum(p["kind"] == "email" for p in plants)


def test_staff_teams_and_teq_answers(planted: Path) -> None:
    con = connect_exports(planted)
    frontline = con.execute(
        "SELECT team, count(*) FROM employees WHERE frontline GROUP BY 1"
    ).fetchall()
    assert len(frontline) == 4 and all(people >= 5 for _, people in frontline)
    assert con.execute("SELECT count(*) FROM employees WHERE NOT frontline").fetchone()[0] >= 5
    names = con.execute(
        "SELECT count(*), count(DISTINCT display_name), "
        "bool_and(regexp_full_match(display_name, '[A-Z][a-z]+ [A-Z]\\.')) "
        "FROM employees WHERE frontline"
    ).fetchone()
    assert names[0] == names[1] and names[2]
    # Empathetic people answer the forward items high and the reverse-scored items low.
    forward = " + ".join(f'"Q{i}"::INT' for i in range(1, 17) if i not in TEQ_REVERSED)
    backward = " + ".join(f'"Q{i}"::INT' for i in TEQ_REVERSED)
    answers = f"read_csv({quoted(planted / 'hr/teq_assessments.csv')}, all_varchar = true)"
    items = con.execute(
        f"""SELECT corr({forward}, {backward}),
                   min(least({", ".join(f'"Q{i}"::INT' for i in range(1, 17))})),
                   max(greatest({", ".join(f'"Q{i}"::INT' for i in range(1, 17))}))
            FROM {answers}"""
    ).fetchone()
    assert items[0] < -0.3 and items[1] >= 0 and items[2] <= 4


def test_bots_start_at_the_automation_launch_and_escalate_some(planted: Path) -> None:
    con = connect_exports(planted)
    launch = con.execute(
        "SELECT started_at FROM initiatives WHERE kind = 'automation_launch'"
    ).fetchone()[0]
    first_bot, escalated, bot_channels = con.execute(
        "SELECT min(opened_at), avg(escalated::INT), list(DISTINCT via ORDER BY via) "
        "FROM tickets WHERE handled_by_bot"
    ).fetchone()
    assert launch <= first_bot < launch + timedelta(days=7)
    assert 0.1 < escalated < 0.5
    assert bot_channels == ["chat", "social"]
    training = con.execute("SELECT teams FROM training").fetchall()
    assert len(training) == 1 and 1 <= len(training[0][0]) < 4


PLANTED_RANGE = {  # (low, high) of the planted effect's size measured from the files
    "weekday_csat_dip": (-0.22, -0.10),
    "billing_negative_sentiment": (0.20, 0.40),
    "bot_below_human": (-0.30, -0.14),
    "churn_after_unresolved_technical": (2.5, 6.0),
    "understood_higher_cltv": (1.25, 1.8),
    "understood_lower_churn": (-0.15, -0.05),
    "team_empathy_csat": (0.08, 0.30),
    "training_sentiment_lift": (0.10, 0.30),
    "proactive_outreach_retention": (-0.30, -0.10),
}
CONTROL_RANGE = {  # the same measures on the business with no planted effect: noise only
    "weekday_csat_dip": (-0.05, 0.05),
    "billing_negative_sentiment": (-0.05, 0.05),
    "bot_below_human": (-0.06, 0.06),
    "churn_after_unresolved_technical": (0.0, 2.0),
    "understood_higher_cltv": (0.8, 1.15),
    "understood_lower_churn": (-0.045, 0.05),
    "team_empathy_csat": (-0.07, 0.07),
    "training_sentiment_lift": (-0.06, 0.06),
    "proactive_outreach_retention": (-0.09, 0.09),
}


def test_planted_effects_are_in_the_files_and_absent_from_the_control(
    planted: Path, control: Path
) -> None:
    with_effects, without = measure(planted), measure(control)
    for name, (low, high) in PLANTED_RANGE.items():
        assert low <= with_effects[name] <= high, f"{name}: {with_effects[name]:.3f}"
    for name, (low, high) in CONTROL_RANGE.items():
        assert low <= without[name] <= high, f"control {name}: {without[name]:.3f}"
    assert truth(planted)["effects_planted"] == list(PLANTED_EFFECTS)
    assert truth(control)["effects_planted"] == []


def test_ground_truth_observed_sizes_match_the_files(planted: Path) -> None:
    """The ground truth's definitions, applied to the exported files, give its numbers."""
    observed = {k: v["observed"] for k, v in truth(planted)["effects"].items()}
    measured = measure(planted)
    pairs = {
        "weekday_csat_dip": observed["weekday_csat_dip"]["difference"],
        "billing_negative_sentiment": observed["billing_negative_sentiment"]["difference"],
        "bot_below_human": observed["bot_below_human"]["difference"],
        "churn_after_unresolved_technical": observed["churn_after_unresolved_technical"][
            "rate_ratio"
        ],
        "understood_higher_cltv": observed["understood_higher_cltv"]["cltv_ratio"],
        "understood_lower_churn": observed["understood_higher_cltv"]["churn_share_difference"],
        "training_sentiment_lift": observed["training_sentiment_lift"]["difference_in_differences"],
        "proactive_outreach_retention": observed["proactive_outreach_retention"]["difference"],
    }
    for name, expected in pairs.items():
        assert measured[name] == pytest.approx(expected, abs=0.002), name
    assert set(truth(planted)["effects"]) == set(PLANTED_EFFECTS)


def test_one_effect_alone_and_unknown_effects(tmp_path: Path) -> None:
    generate(tmp_path, DemoSize(), seed=SEED, effects=frozenset({"weekday_csat_dip"}))
    sizes = measure(tmp_path)
    assert (
        PLANTED_RANGE["weekday_csat_dip"][0]
        <= sizes["weekday_csat_dip"]
        < CONTROL_RANGE["weekday_csat_dip"][0]
    )
    low, high = CONTROL_RANGE["bot_below_human"]
    assert low <= sizes["bot_below_human"] <= high
    assert truth(tmp_path)["effects_planted"] == ["weekday_csat_dip"]
    with pytest.raises(ValueError, match="unknown effects"):
        generate(tmp_path / "x", SMALL, effects=frozenset({"weekday_dip"}))


def test_cli_writes_the_demo_and_respects_if_empty(isolated_settings, tmp_path: Path) -> None:
    from orchestration.cli import main

    landing = isolated_settings.landing_dir
    args = ["demo", "--customers", "300", "--agents", "10", "--months", "12", "--seed", "3"]
    assert main(args) == 0
    ground = truth(landing)
    assert ground["size"] == {"customers": 300, "agents": 10, "months": 12}
    assert ground["seed"] == 3
    stamp = (landing / "crm/orders.csv").stat().st_mtime_ns
    assert main([*args, "--seed", "4", "--if-empty"]) == 0
    assert (landing / "crm/orders.csv").stat().st_mtime_ns == stamp
    assert truth(landing)["seed"] == 3
    assert main([*args, "--out", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / "ground_truth.json").is_file()
