"""Time zones: a mapping names the business's time zone; timestamps carrying `Z` or a UTC
offset are converted to it, local ones are kept, so weekday and month grains follow the
business's clock. An unknown zone is a mapping error naming the fix."""

from __future__ import annotations

import textwrap

import pytest
from ingest_kit import MAPPINGS, ingest_all, query, with_mappings, write_export

from orchestration.ingest import MappingError, load_contract, load_source_mapping

HEADER = "id;type;score;customer;answered;comment\n"
ROWS = (
    "z1;csat;5;1;2024-03-04T03:30:00Z;\n"  # Monday 03:30 UTC = Sunday 22:30 in New York
    "z2;csat;4;1;2024-03-31T23:30:00+02:00;\n"  # 21:30 UTC = 17:30 in New York, 31 March
    "z3;csat;3;1;2024-03-04 03:30:00;\n"  # no zone: already the business's local time
    "z4;csat;2;1;2024-04-01T01:00:00-0500;\n"  # 06:00 UTC = 02:00 in New York (EDT)
)


def _mapping(time_zone: str | None) -> str:
    line = f"\n            time_zone: {time_zone}" if time_zone else ""
    return MAPPINGS["surveys"].replace('delimiter: ";"', f'delimiter: ";"{line}')


@pytest.mark.usefixtures("isolated_settings")
@pytest.mark.parametrize(
    ("time_zone", "expected"),
    [
        (
            "America/New_York",
            {
                "z1": "2024-03-03 22:30:00 7",
                "z2": "2024-03-31 17:30:00 7",
                "z3": "2024-03-04 03:30:00 1",
                "z4": "2024-04-01 02:00:00 1",
            },
        ),
        (
            None,  # default UTC: offsets are honoured too (they used to be dropped)
            {
                "z1": "2024-03-04 03:30:00 1",
                "z2": "2024-03-31 21:30:00 7",
                "z3": "2024-03-04 03:30:00 1",
                "z4": "2024-04-01 06:00:00 1",
            },
        ),
    ],
)
def test_zoned_timestamps_are_converted_to_the_business_time_zone(
    tmp_path, monkeypatch, time_zone, expected
):
    settings = with_mappings(tmp_path, monkeypatch, {"surveys": _mapping(time_zone)})
    write_export(settings, "surveys/responses_zones.csv", HEADER + ROWS)
    ingest_all(settings)
    rows = query(
        settings,
        "SELECT response_id, strftime(responded_at, '%Y-%m-%d %H:%M:%S') || ' ' || "
        "isodow(responded_at) FROM raw.survey_responses ORDER BY 1",
    )
    assert dict(rows) == expected


def test_an_unknown_time_zone_is_a_mapping_error_with_the_fix(tmp_path):
    body = textwrap.dedent(_mapping("Mars/Olympus_Mons"))
    (tmp_path / "surveys.yml").write_text(body, encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_source_mapping(tmp_path, "surveys", load_contract())
    message = str(error.value)
    assert "`time_zone: Mars/Olympus_Mons` is not a time zone" in message
    assert "Europe/London" in message and "survey_responses" in message
