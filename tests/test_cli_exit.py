"""`empathy` exits without the interpreter's teardown: its exit code and output still arrive."""

from pathlib import Path

from conftest import run_empathy

from orchestration.settings import PROJECT_ROOT

# Output through a pipe is buffered unless PYTHONUNBUFFERED is set (it may be, e.g. in CI).
BUFFERED = {"PYTHONUNBUFFERED": ""}


def test_a_command_that_succeeds_exits_0_with_its_output_through_a_pipe(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("id\n1\n", encoding="utf-8")
    done = run_empathy(BUFFERED, "demo", "--out", str(tmp_path), "--if-empty")
    assert done.returncode == 0
    expected = f"landing folder {tmp_path} already has exports; not generating demo data\n"
    assert done.stdout == expected


def test_a_command_that_fails_exits_with_its_code_and_its_message() -> None:
    failed = run_empathy(BUFFERED, "init", str(PROJECT_ROOT))
    assert failed.returncode == 2
    assert "is the demo's own folder" in failed.stderr
