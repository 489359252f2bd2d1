"""Where things live (issue 9): Dagster definitions only in `orchestration/defs/`, libraries never
import `defs`, dev tooling apart from the pipeline package, one file name per module."""

import ast
import subprocess
import sys
from collections import Counter
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

PACKAGES = ("orchestration", "empathy_devtools")
DEFS = PROJECT_ROOT / "orchestration" / "defs"
# The code location itself merges the definitions; nothing else outside `defs/` may load them.
CODE_LOCATION = PROJECT_ROOT / "orchestration" / "definitions.py"
# Decorators and constructors that make a Dagster definition.
DEFINITIONS = {
    "asset",
    "multi_asset",
    "asset_check",
    "multi_asset_check",
    "op",
    "graph",
    "job",
    "sensor",
    "schedule",
    "run_failure_sensor",
    "run_status_sensor",
    "asset_sensor",
    "dbt_assets",
    "Definitions",
    "AssetSpec",
    "AssetCheckSpec",
    "ScheduleDefinition",
    "define_asset_job",
    "ConfigurableResource",
}


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py"))


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _dagster_definitions(tree: ast.AST) -> set[str]:
    """Names from DEFINITIONS used as `dg.<name>`, a bare name, a decorator or a base class."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in DEFINITIONS:
            if isinstance(node.value, ast.Name) and node.value.id in {"dg", "dagster"}:
                found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dag"):
            found.update(a.name for a in node.names if a.name in DEFINITIONS)
    return found


def _outside_defs() -> list[Path]:
    return [p for p in _modules() if DEFS not in p.parents and p != CODE_LOCATION]


def test_no_module_outside_defs_imports_defs() -> None:
    offenders = {
        str(p.relative_to(PROJECT_ROOT)): sorted(
            n for n in _imported(ast.parse(p.read_text())) if n.startswith("orchestration.defs")
        )
        for p in _outside_defs()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_dagster_definition_outside_defs() -> None:
    offenders = {
        str(p.relative_to(PROJECT_ROOT)): sorted(_dagster_definitions(ast.parse(p.read_text())))
        for p in _outside_defs()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_a_definition_and_an_import() -> None:
    """The two checks above find what they look for (they would pass on any tree otherwise)."""
    tree = ast.parse(
        "import dagster as dg\nfrom orchestration.defs.jobs import WRITER_POOL\n"
        "@dg.asset\ndef a() -> None: ...\n"
    )
    assert _dagster_definitions(tree) == {"asset"}
    assert "orchestration.defs.jobs.WRITER_POOL" in _imported(tree)
    assert _dagster_definitions(ast.parse((DEFS / "scorecard.py").read_text())) >= {"asset"}


def test_the_pipeline_package_does_not_import_dev_tooling_at_module_level() -> None:
    """`orchestration` runs without `empathy_devtools` loaded; only the commands made for the
    tooling (`empathy bench`, `eval-text`, the demo exports of `make run`) reach into it."""
    offenders = []
    for path in (PROJECT_ROOT / "orchestration").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level only: commands import lazily
            if isinstance(node, ast.Import | ast.ImportFrom) and any(
                n.startswith("empathy_devtools") for n in _imported(node)
            ):
                offenders.append(str(path.relative_to(PROJECT_ROOT)))
    assert offenders == []


# Libraries that only some steps use; each costs Dagster's load 0.2-1.6 s (NLTK, imported by
# TextBlob, brings scikit-learn and SciPy). A run with nothing new runs none of those steps.
STEP_ONLY_LIBRARIES = ("sklearn", "scipy", "textblob", "nltk", "altair", "great_expectations")


def test_loading_the_definitions_imports_no_step_only_library() -> None:
    """The definitions name assets; the models, the text scorer, GX and the charts load in
    the steps that use them (`empathy run` with nothing new never loads them)."""
    probe = (
        "import sys, orchestration.definitions; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({STEP_ONLY_LIBRARIES!r})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_every_module_file_name_is_unique() -> None:
    names = Counter(p.name for p in _modules() if p.name not in {"__init__.py", "__main__.py"})
    assert sorted(name for name, n in names.items() if n > 1) == []
