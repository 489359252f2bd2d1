"""One Spark build in one JVM (run as `python -m orchestration.portability.spark_job`).

Registers the Parquet exports as Spark tables, runs `dbt build --target spark` in this
process (dbt-spark's `session` method reuses the session), then writes every mart Spark built
back to Parquet for the comparison. A child process, so the caller never hosts a JVM.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from orchestration.portability.manifest import non_portable_models
from orchestration.portability.spark_paths import SparkPaths
from orchestration.settings import DBT_PROJECT_DIR


def spark_session(paths: SparkPaths, java_options: str = ""):  # -> pyspark.sql.SparkSession
    """The local session the `spark` dbt target configures (dbt_project/profiles.yml), with
    `java_options` added to the driver JVM's options."""
    import yaml
    from pyspark.sql import SparkSession

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    params = profile["empathy_warehouse"]["outputs"]["spark"]["server_side_parameters"]
    root = str(paths.root.resolve())
    builder = SparkSession.builder.enableHiveSupport().config("spark.sql.ansi.enabled", "false")
    for key, value in params.items():
        rendered = str(value).replace("{{ env_var('EMPATHY_SPARK_DIR', '../data/spark') }}", root)
        if key == "spark.driver.extraJavaOptions" and java_options:
            rendered = f"{java_options} {rendered}"
        builder = builder.config(key, rendered)
    return builder.getOrCreate()


def register_sources(spark, sources_dir: Path) -> list[str]:
    """One Spark table per Parquet folder `<schema>/<table>/`, in database `<schema>`."""
    names = []
    for path in sorted(p for p in sources_dir.glob("*/*") if p.is_dir()):
        schema, table = path.parent.name, path.name
        spark.sql(f"create database if not exists {schema}")
        spark.sql(f"drop table if exists {schema}.{table}")
        spark.sql(f"create table {schema}.{table} using parquet location '{path.resolve()}'")
        names.append(f"{schema}.{table}")
    return names


def export_marts(spark, manifest: Path, out_dir: Path) -> list[str]:
    """Every model of schema `marts` that Spark built, as Parquet under `out_dir/<model>`."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    written = []
    for node in nodes:
        if node["resource_type"] != "model" or node["config"].get("schema") != "marts":
            continue
        name = node["alias"] or node["name"]
        if not spark.catalog.tableExists(f"marts.{name}"):
            continue
        spark.table(f"marts.{name}").write.mode("overwrite").parquet(str(out_dir / name))
        written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True, help="the work folder (SparkPaths.root)")
    parser.add_argument("--select", default="", help="dbt --select selection")
    parser.add_argument(
        "--no-data-tests", action="store_true", help="seeds and models only (no data tests)"
    )
    parser.add_argument("--java-options", default="", help="more options for the driver JVM")
    args = parser.parse_args(argv)
    paths = SparkPaths(Path(args.work))

    from dbt.cli.main import dbtRunner

    common = [
        "--target",
        "spark",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(paths.dbt_target),
        "--log-path",
        str(paths.dbt_logs),
    ]
    runner = dbtRunner()
    if not runner.invoke(["parse", *common]).success:
        return 1
    # Unit tests stay on DuckDB (orchestration/portability/check.py says why); models that
    # declare themselves DuckDB-only are left out with everything built from them.
    exclude = ["resource_type:unit_test"]
    exclude += [f"{m.model}+" for m in non_portable_models(paths.dbt_target / "manifest.json")]
    if args.no_data_tests:
        exclude.append("resource_type:test")
    spark = spark_session(paths, args.java_options)
    spark.sparkContext.setLogLevel("ERROR")
    register_sources(spark, paths.sources)
    dbt_args = ["build", *common, "--exclude", *exclude]
    if args.select:
        dbt_args += ["--select", *args.select.split()]
    result = runner.invoke(dbt_args)
    written = export_marts(spark, paths.dbt_target / "manifest.json", paths.marts)
    print(f"spark_job: {len(written)} marts written to {paths.marts}", flush=True)
    spark.stop()
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
