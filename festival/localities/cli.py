"""`flask localities ...`: import units from CSV, generate synthetic residential areas."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from festival.core.errors import DomainError
from festival.localities import generator
from festival.localities.importer import ImportResult, apply, decode, parse

BUILTIN = "vn_admin_units_2026.csv"


def builtin_units() -> bytes:
    """The shipped copy of the 34 provinces and 3,321 communes (see data/README.md for the attribution)."""
    return resources.files("festival.localities").joinpath("data", BUILTIN).read_bytes()


def run_import(data: bytes, label: str) -> ImportResult:
    """Import with a progress bar on stderr; print the summary; exit 1 with the reason on a bad row."""
    try:
        rows = parse(decode(data))
        with click.progressbar(length=len(rows), label=label, file=sys.stderr) as bar:
            result = apply(rows, bar.update)
    except DomainError as error:
        click.echo(_("Import stopped, nothing was changed. %(reason)s", reason=error.message), err=True)
        raise SystemExit(1) from None
    click.echo(
        _(
            "%(total)s units: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            total=result.total,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
    )
    return result


@click.group("localities", help="Administrative units / Đơn vị hành chính.")
def localities_cli() -> None:
    pass


@localities_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--builtin", is_flag=True, help="Import the shipped 34 provinces and 3,321 communes.")
@with_appcontext
def import_command(file: Path | None, builtin: bool) -> None:
    """Import (upsert by code) units from FILE.csv, or the shipped list with --builtin."""
    if bool(file) == builtin:
        raise click.UsageError("give FILE.csv or --builtin (one of them)")
    data = builtin_units() if builtin else file.read_bytes()
    run_import(data, _("Importing units"))


@localities_cli.command("generate-residential")
@click.option("--count", default=100_000, show_default=True, help="How many residential areas.")
@click.option("--seed", default=2026, show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
def generate_command(count: int, seed: int, output: Path) -> None:
    """Write COUNT synthetic residential areas under the shipped communes as an importable CSV."""
    communes = generator.communes_from_csv(builtin_units().decode("utf-8"))
    output.write_text(generator.to_csv(generator.generate(communes, count, seed)), encoding="utf-8")
    click.echo(f"{count} → {output}")
