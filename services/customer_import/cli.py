"""``python -m cli import-customers FILE``: the import from a terminal, with a rich progress bar.

It runs as the system actor named after the OS user, and is logged like any other import.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.db import Database
from services.actor import Actor
from services.config import Settings
from services.customer_import.engine import ERROR, EXISTING, OUTCOME_LABELS, SUCCESS
from services.customer_import.results import results_workbook
from services.customer_import.service import ImportReport, Upload, import_customers
from services.errors import DomainError

SHOWN = 20


async def run_import(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    console = Console()
    path = Path(args.file)
    if not path.is_file():
        console.print(f"[red]ファイルが見つかりません: {path}[/red]")
        return 2
    if path.stat().st_size > settings.import_max_bytes:
        console.print(f"[red]ファイルが大きすぎます（上限 {settings.import_max_bytes / 1e6:g} MB）。[/red]")
        return 1
    mapping = [m.strip() for m in args.mapping.split(",")] if args.mapping else None
    actor = Actor.system(f"cli:{getpass.getuser()}")
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}行"),
               TimeElapsedColumn()]
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("確認中" if args.dry_run else "取り込み中", total=None)
            async with db.transaction() as session:
                report = await import_customers(
                    session, actor, Upload(path.name, path.read_bytes()), settings=settings,
                    dry_run=args.dry_run, encoding=args.encoding, mapping=mapping,
                    progress=lambda done: progress.update(task, completed=done))
    except DomainError as exc:
        for error in exc.errors:
            console.print(f"[red]{error.message}[/red]")
        return 1
    _summary(console, report, args.dry_run)
    if args.results:
        Path(args.results).write_bytes(results_workbook(report.results))
        console.print(f"行ごとの結果: {args.results}")
    return 0


def _summary(console: Console, report: ImportReport, dry_run: bool) -> None:
    if report.needs_mapping:
        console.print("[yellow]初めての見出しのCSVです。列の対応を確かめ、--mapping を指定して取り込んでください。[/yellow]")
        console.print("列の対応: " + ",".join(report.mapping))
    title = "確認結果（登録していません）" if dry_run or report.needs_mapping else "インポートできました。"
    table = Table(title=f"{title} {report.file_name}")
    for outcome in (SUCCESS, ERROR, EXISTING):
        table.add_column(OUTCOME_LABELS[outcome], justify="right")
    table.add_row(f"{report.success_count:,}", f"{report.error_count:,}", f"{report.existing_count:,}")
    console.print(table)
    for outcome in (ERROR, EXISTING):
        rows = report.rows(outcome)
        for r in rows[:SHOWN]:
            who = f"（{r.name}）" if r.name else ""
            console.print(f"  {r.row}行目{who} [{OUTCOME_LABELS[outcome]}] {r.column} {r.message}")
        if len(rows) > SHOWN:
            console.print(f"  ほか{len(rows) - SHOWN}行 (--results で全行を出力できます)")
