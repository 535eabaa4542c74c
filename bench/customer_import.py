"""Customer import benchmark (SPEC §10): ``make bench-import`` or ``python -m bench.customer_import``.

1. 10,000 rows: the whole import (read, clean, classify, write to a fresh SQLite database) against
   openpyxl alone reading the same file (read-only, values only), interleaved rounds, medians.
   Target: the import within 2× openpyxl's read.
2. 100,000 rows: peak memory (max RSS) of a process that imports them. Target: under 300 MB.
3. A zip bomb that inflates to 1 GB: time and extra memory to refuse it. Target: under a second
   and under 50 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl

from models.db import Database
from services.actor import Actor
from services.config import Settings
from services.customer_import import Upload, import_customers
from services.customer_import.columns import COLUMNS
from services.migrate import upgrade

HEADERS = [c.template_header for c in COLUMNS if c.in_template]
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]


def customer_file(rows: int) -> bytes:
    """A filled template: every column used, phones and e-mails unique, a mix of date styles."""
    # A normal workbook, as Excel saves it: its <dimension> comes first (a write-only one puts it
    # last, and openpyxl then parses the whole sheet twice).
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "顧客情報"
    sheet.append(HEADERS)
    dates = ["1985/4/1", "S50.1.1", "平成2年4月1日", "2001-12-31"]
    for n in range(rows):
        kana = KANA[n % 40] + KANA[(n // 40) % 40]
        sheet.append([
            "", SURNAMES[n % 10], f"花子{n % 97}", kana, "ﾊﾅｺ", f"090-{1000 + n // 10000 % 9000:04d}-{n % 10000:04d}",
            f"user{n}@example.jp", dates[n % 4], "女性" if n % 2 else "男性", "", "東京都渋谷区神南1-2-3",
            "", "", "", "", f"メモ{n}", "可", "不可" if n % 3 == 0 else "", "", str(n % 5),
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def openpyxl_read(data: bytes) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return count


async def timed_import(data: bytes, directory: Path, round_no: int, settings: Settings) -> float:
    db = Database(f"sqlite+aiosqlite:///{directory / f'round{round_no}.db'}")
    await upgrade(db.engine)
    start = time.perf_counter()
    async with db.transaction() as session:
        report = await import_customers(session, Actor.system("bench"), Upload("bench.xlsx", data),
                                        settings=settings)
    elapsed = time.perf_counter() - start
    await db.dispose()
    assert report.success_count == len(report.results), (report.error_count, report.results[:3])
    return elapsed


async def speed(rows: int, rounds: int) -> None:
    data = customer_file(rows)
    settings = Settings()
    reads, imports = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            start = time.perf_counter()
            openpyxl_read(data)
            reads.append(time.perf_counter() - start)
            imports.append(await timed_import(data, Path(tmp), n, settings))
    read, full = statistics.median(reads), statistics.median(imports)
    print(f"{rows:,} rows ({len(data) / 1e6:.1f} MB), {rounds} interleaved rounds, medians:")
    print(f"  openpyxl read only : {read:.3f} s")
    print(f"  import (to SQLite) : {full:.3f} s")
    print(f"  ratio              : {full / read:.2f}x (target ≤ 2x)")


def memory(rows: int) -> None:
    """Peak RSS of a child process that does nothing but import ``rows`` rows from a file.

    The file is built by another child: Linux carries a process's peak RSS across fork and exec,
    so a parent that built a big workbook would inflate the importing child's figure.
    """
    root = Path(__file__).parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xlsx"
        subprocess.run([sys.executable, "-m", "bench.customer_import", "--make", str(path), "--rows", str(rows)],
                       check=True, cwd=root)
        size = path.stat().st_size
        out = subprocess.run([sys.executable, "-m", "bench.customer_import", "--child", str(path)],
                             capture_output=True, text=True, check=True, cwd=root)
    print(f"{rows:,} rows ({size / 1e6:.1f} MB): {out.stdout.strip()}")


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child(path: str) -> None:
    data = Path(path).read_bytes()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/mem.db")
        await upgrade(db.engine)
        baseline = _peak_rss_mb()
        start = time.perf_counter()
        async with db.transaction() as session:
            report = await import_customers(session, Actor.system("bench"), Upload("big.xlsx", data),
                                            settings=settings)
        elapsed = time.perf_counter() - start
        await db.dispose()
    peak = _peak_rss_mb()
    print(f"imported {report.success_count:,} in {elapsed:.1f} s; peak RSS {peak:.0f} MB "
          f"(process before the import {baseline:.0f} MB; target < 300 MB)")


def bomb() -> None:
    """1 GB of zeros as the only sheet of an otherwise valid-looking .xlsx (about 1 MB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * 1_048_576
            for _ in range(1024):
                member.write(block)
    data = buffer.getvalue()
    settings = Settings()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    try:
        asyncio.run(_refuse(data, settings))
        outcome = "ACCEPTED (bad)"
    except Exception as exc:  # noqa: BLE001 - we print whatever refused it
        outcome = getattr(exc, "message", str(exc))
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    print(f"zip bomb ({len(data) / 1e6:.1f} MB inflating to 1 GB): refused in {elapsed * 1000:.1f} ms, "
          f"extra memory {peak / 1e6:.1f} MB: {outcome}")


async def _refuse(data: bytes, settings: Settings) -> None:
    from services.customer_import.reading import open_table

    open_table(data, "bomb.xlsx", settings).close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--memory-rows", type=int, default=100_000)
    parser.add_argument("--child")
    parser.add_argument("--make")
    args = parser.parse_args()
    if args.make:
        Path(args.make).write_bytes(customer_file(args.rows))
        return
    if args.child:
        asyncio.run(child(args.child))
        return
    asyncio.run(speed(args.rows, args.rounds))
    memory(args.memory_rows)
    bomb()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
