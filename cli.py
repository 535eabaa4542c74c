"""Command line: ``python -m cli COMMAND``.

Commands: migrate, demo, serve, create-manager, check-figures, clear-login-limits, export-schema,
import-customers.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from models import StaffRole
from models.db import Database
from services import auth
from services.config import get_settings
from services.errors import DomainError
from services.migrate import upgrade


def _db() -> Database:
    settings = get_settings()
    return Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)


async def _migrate() -> None:
    db = _db()
    before, after = await upgrade(db.engine)
    await db.dispose()
    if before == after:
        print(f"database is up to date (revision {after})")
    else:
        print(f"database upgraded from revision {before or 'none (empty database)'} to {after}")


async def _demo(if_empty: bool, customers: int, seed: int) -> None:
    from services.demo import load_demo_salon

    db = _db()
    try:
        await upgrade(db.engine)
        await load_demo_salon(db, customers=customers, seed=seed, if_empty=if_empty)
    finally:
        await db.dispose()


async def _create_manager(login_id: str, password: str | None, name: str) -> int:
    if password is None:
        password = getpass.getpass("パスワード: ")
    db = _db()
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            await auth.create_staff_account(session, login_id=login_id, password=password,
                                            display_name=name or login_id, role=StaffRole.MANAGER)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print(f"manager account '{login_id}' created")
    return 0


async def _check_figures(fix: bool) -> int:
    """Recompute every customer's figures from scratch; list each difference (and rewrite them with --fix)."""
    from services.customer_stats.check import find_differences, rewrite_figures

    db = _db()
    try:
        async with db.sessionmaker() as session:
            differences = await find_differences(session)
        for difference in differences:
            print(difference)
        if differences and fix:
            async with db.transaction() as session:
                await rewrite_figures(session, sorted({d.customer_id for d in differences}))
            print(f"rewrote the figures of {len({d.customer_id for d in differences})} customers")
    finally:
        await db.dispose()
    print(f"{len(differences)} differences")
    return 1 if differences else 0


async def _clear_login_limits(login_id: str) -> int:
    """Lift the slow-down after failed logins on an ID (for when no manager can log in to do it)."""
    from services import login_throttle

    db = _db()
    try:
        await upgrade(db.engine)
        async with db.transaction() as session:
            cleared = await login_throttle.clear_for_login(session, login_id.strip())
    finally:
        await db.dispose()
    print(f"login limits on '{login_id}' lifted ({cleared} counters cleared)")
    return 0


#: How long a worker may take to answer the supervisor's ping before it is replaced. uvicorn's 5 s
#: kills workers that are merely slow to import on a busy machine, over and over.
WORKER_HEALTHCHECK_SECONDS = 60


def _serve(host: str, port: int, workers: int | None) -> None:
    import uvicorn

    from server import worker_count

    settings = get_settings()
    count = worker_count(settings, workers)
    if count > 1:
        # Migrate once here, not in every worker at the same moment.
        asyncio.run(_migrate())
        uvicorn.run("server:create_worker_app", factory=True, host=host, port=port, workers=count,
                    access_log=settings.access_log, timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)
    else:
        uvicorn.run("server:create_app", factory=True, host=host, port=port, access_log=settings.access_log)


def _export_schema(path: str) -> None:
    from resolvers.sdl import export_sdl

    export_sdl(path)
    print(f"wrote {path}")


async def _import_customers(args: argparse.Namespace) -> int:
    from services.customer_import.cli import run_import

    db = _db()
    try:
        await upgrade(db.engine)
        return await run_import(db, get_settings(), args)
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cli", description="Salon back office commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the database to the newest schema")
    demo = sub.add_parser("demo", help="fill the database with a demo salon")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when customers exist")
    demo.add_argument("--customers", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=20261124)
    manager = sub.add_parser("create-manager", help="create a manager account (the first login)")
    manager.add_argument("login_id", nargs="?", default="admin")
    manager.add_argument("--password", help="read from a prompt when omitted")
    manager.add_argument("--name", default="")
    clear = sub.add_parser("clear-login-limits", help="lift the wait after failed logins on a login ID "
                           "(and on the addresses it was tried from)")
    clear.add_argument("login_id")
    serve = sub.add_parser("serve", help="serve the app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    figures = sub.add_parser("check-figures",
                             help="recompute customer figures from reservations and the caution / blacklist "
                             "flags from their entries; exit 1 on any difference")
    figures.add_argument("--fix", action="store_true", help="rewrite the figures that differ")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default WEB_CONCURRENCY, else one per core on PostgreSQL; "
                            "always one on SQLite)")
    export = sub.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--path", default="schema.graphql")
    bulk = sub.add_parser("import-customers", help="顧客の一括登録 from an .xlsx or .csv (with a progress bar)")
    bulk.add_argument("file")
    bulk.add_argument("--dry-run", action="store_true", help="確認のみ: classify every row, write nothing")
    bulk.add_argument("--encoding", default="auto", help="CSV: auto, utf-8 or shift_jis")
    bulk.add_argument("--mapping", help="comma-separated target per column (last_name,first_name,,phone …)")
    bulk.add_argument("--results", help="write the per-row results to this .xlsx")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "demo":
        asyncio.run(_demo(args.if_empty, args.customers, args.seed))
    elif args.command == "create-manager":
        return asyncio.run(_create_manager(args.login_id, args.password, args.name))
    elif args.command == "check-figures":
        return asyncio.run(_check_figures(args.fix))
    elif args.command == "clear-login-limits":
        return asyncio.run(_clear_login_limits(args.login_id))
    elif args.command == "serve":
        _serve(args.host, args.port, args.workers)
    elif args.command == "export-schema":
        _export_schema(args.path)
    elif args.command == "import-customers":
        return asyncio.run(_import_customers(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
