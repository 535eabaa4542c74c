"""顧客の一括登録 (SPEC §10): dry runs, imports, confirmation of a dry run, and the import log.

All of it runs in the caller's transaction: a file-level failure raises and nothing is written;
a row is written whole or not at all. Parsing and row cleaning (pure CPU) run in a worker thread
chunk by chunk, so the server keeps answering other requests during a long import.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from anyio import to_thread
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from models import CustomerImport, ImportColumnMapping, ImportStatus, StoreSetting
from services.actor import Actor
from services.config import Settings
from services.customer_import import columns as cols
from services.customer_import.engine import (
    ERROR,
    EXISTING,
    OUTCOME_LABELS,
    SUCCESS,
    RowResult,
    Seen,
    classify,
    insert_customers,
    read_chunk,
)
from services.customer_import.masters import Masters, load_masters
from services.customer_import.reading import Table, open_table, too_many_rows
from services.customer_import.safety import CSV
from services.customer_import.rows import RowConverter
from services.customer_import.template import example_values, template_columns
from services.errors import DomainError, ErrorCode, NotFound
from services.permissions import Action, check
from services.store import get_store_settings

PREVIEW_KEEP = timedelta(days=1)
MAX_FILE_NAME = 255
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Upload:
    file_name: str
    data: bytes


@dataclass
class ImportReport:
    import_id: int
    status: ImportStatus
    file_name: str
    sha256: str
    encoding: str | None
    headers: list[str]
    mapping: list[str]
    results: list[RowResult] = field(default_factory=list)
    #: True when an import was asked for but only a dry run was made (a CSV layout not mapped yet).
    needs_mapping: bool = False

    def rows(self, outcome: str) -> list[RowResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def success_count(self) -> int:
        return sum(r.outcome == SUCCESS for r in self.results)

    @property
    def error_count(self) -> int:
        return sum(r.outcome == ERROR for r in self.results)

    @property
    def existing_count(self) -> int:
        return sum(r.outcome == EXISTING for r in self.results)


class ImportChanged(DomainError):
    """The data changed between the dry run and 「登録する」: nothing was written."""

    def __init__(self, changes: list[str]) -> None:
        shown = "、".join(changes[:5]) + (f" ほか{len(changes) - 5}行" if len(changes) > 5 else "")
        super().__init__(ErrorCode.IMPORT_CHANGED,
                         f"確認のあとでデータが変わったため、登録しませんでした（{shown}）。もう一度確認してください。",
                         None)
        self.changes = changes


async def import_customers(
    session: AsyncSession, actor: Actor, upload: Upload | None, *, settings: Settings, dry_run: bool = False,
    encoding: str | None = None, mapping: list[str] | None = None, preview_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Classify every row; unless ``dry_run``, create the successes. With ``preview_id`` (a dry run's
    id) the file kept by that dry run is imported, and only if every row ends as it showed."""
    check(actor, Action.IMPORT)
    preview = await _preview(session, preview_id) if preview_id is not None else None
    if preview is not None:
        upload = Upload(preview.file_name, preview.file_data or b"")
        encoding, mapping = preview.encoding, mapping or preview.column_mapping
    if upload is None:
        raise DomainError(ErrorCode.REQUIRED, "ファイルを選択してください。", "file")
    if not dry_run:
        await _one_import_at_a_time(session)
    masters = await load_masters(session)
    table = await to_thread.run_sync(lambda: open_table(upload.data, upload.file_name, settings, encoding=encoding))
    try:
        needs_mapping = (not dry_run and mapping is None and table.kind == CSV
                         and not await _saved(session, table.headers))
        # Another system's CSV in a layout never mapped before is shown for checking, not written.
        dry_run = dry_run or needs_mapping
        log = await _start_log(session, actor, upload, table, dry_run)
        report = ImportReport(log.id, log.status, log.file_name, log.file_sha256, table.encoding, table.headers, [])
        report.needs_mapping = needs_mapping
        report.mapping = await _mapping(session, table.headers, mapping, masters)
        await _run(session, actor, table, report, masters, settings, dry_run=dry_run, progress=progress)
    finally:
        table.close()
    if preview is not None:
        if not dry_run:  # 登録する: exactly what the dry run showed, or nothing
            _same_as_preview(preview, report.results)
        preview.file_data = None  # registered, or superseded by the new dry run
    await _finish_log(session, log, report, keep_file=upload.data if dry_run else None)
    return report


async def _run(session: AsyncSession, actor: Actor, table: Table, report: ImportReport, masters: Masters,
               settings: Settings, *, dry_run: bool, progress: Progress | None) -> None:
    converter = RowConverter(table.headers, report.mapping, masters, settings.import_max_cell_chars,
                             example=_example(table.headers, masters))
    headers = {key: table.headers[i] for i, key in enumerate(report.mapping) if key}
    previously = await _previous_successes(session, report.sha256)
    store = await get_store_settings(session)
    choice_items = {cid: f.item_id for f in masters.free_items for cid in f.ids.values()}
    seen = Seen()

    def next_chunk() -> asyncio.Future[list]:
        return asyncio.ensure_future(to_thread.run_sync(read_chunk, table.rows, converter, settings.import_chunk_rows))

    # Pipelined: the next chunk is parsed and cleaned in a worker thread while this one is checked and
    # written (the database driver waits without the GIL, so the two really overlap). Reading is pure;
    # everything that depends on earlier rows (``seen``) happens here, in order.
    pending = next_chunk()
    try:
        while chunk := await pending:
            pending = next_chunk()
            if len(report.results) + len(chunk) > settings.import_max_rows:
                raise too_many_rows(settings)
            results, creates = await classify(session, chunk, seen, previously, headers)
            if not dry_run:
                await insert_customers(session, creates, actor, import_id=report.import_id,
                                       placeholder_domain=store.placeholder_email_domain, choice_items=choice_items)
            for result in results:
                if result.same_as is not None:
                    result.customer_no = result.same_as.customer_no
            report.results += results
            if progress is not None:
                progress(len(report.results))
    finally:
        if not pending.done():  # let the worker finish its chunk before the file is closed
            await asyncio.wait([pending])
        if pending.done() and not pending.cancelled():
            pending.exception()  # retrieved: a failure after ours is not "never retrieved"


def _example(headers: list[str], masters: Masters) -> list[str] | None:
    """The template's example row, when the file is the template (the row is then skipped)."""
    template = [cols.header_key(c.template_header) for c in template_columns(masters)]
    if [cols.header_key(h) for h in headers[: len(template)]] == template:
        return example_values(masters)
    return None


async def _mapping(session: AsyncSession, headers: list[str], given: list[str] | None, masters: Masters) -> list[str]:
    columns = cols.available_columns([(f.item_id, f.label) for f in masters.free_items])
    signature = cols.header_signature(headers)
    if given is not None:
        checked = cols.check_mapping(list(given), headers, columns)
        await _save_mapping(session, signature, headers, checked)
        return checked
    saved = await session.scalar(select(ImportColumnMapping).where(ImportColumnMapping.signature == signature))
    if saved is not None:
        try:
            return cols.check_mapping(list(saved.mapping), headers, columns)
        except DomainError:
            pass  # a master it named is gone: suggest afresh
    return cols.check_mapping(cols.suggest_mapping(headers, columns), headers, columns)


async def suggested_mapping(session: AsyncSession, headers: list[str]) -> tuple[list[str], list[cols.Column]]:
    """What the mapping step offers: the saved or suggested key per column, and every choice."""
    masters = await load_masters(session)
    columns = cols.available_columns([(f.item_id, f.label) for f in masters.free_items])
    saved = await session.scalar(select(ImportColumnMapping.mapping)
                                 .where(ImportColumnMapping.signature == cols.header_signature(headers)))
    return list(saved or cols.suggest_mapping(headers, columns))[: len(headers)], columns


async def _saved(session: AsyncSession, headers: list[str]) -> ImportColumnMapping | None:
    return await session.scalar(select(ImportColumnMapping)
                                .where(ImportColumnMapping.signature == cols.header_signature(headers)))


async def _save_mapping(session: AsyncSession, signature: str, headers: list[str], mapping: list[str]) -> None:
    row = await session.scalar(select(ImportColumnMapping).where(ImportColumnMapping.signature == signature))
    if row is None:
        session.add(ImportColumnMapping(signature=signature, headers=headers, mapping=mapping))
    else:
        row.mapping = mapping
    await session.flush()


async def _one_import_at_a_time(session: AsyncSession) -> None:
    """Imports run one after another: the store row is locked until this transaction ends, so two
    uploads of the same file cannot both see its customers as new."""
    store = await get_store_settings(session)
    await session.execute(update(StoreSetting).where(StoreSetting.id == store.id)
                          .values(customer_no_next=StoreSetting.customer_no_next))


async def _start_log(session: AsyncSession, actor: Actor, upload: Upload, table: Table, dry_run: bool
                     ) -> CustomerImport:
    cutoff = datetime.now(UTC) - PREVIEW_KEEP
    await session.execute(update(CustomerImport).where(CustomerImport.status == ImportStatus.PREVIEW,
                                                       CustomerImport.created_at < cutoff,
                                                       CustomerImport.file_data.is_not(None))
                          .values(file_data=None))
    log = CustomerImport(
        status=ImportStatus.PREVIEW if dry_run else ImportStatus.DONE,
        actor_account_id=actor.account_id, actor_name=(actor.name or "")[:100],
        file_name=(upload.file_name or "upload")[-MAX_FILE_NAME:], file_size=len(upload.data),
        file_sha256=hashlib.sha256(upload.data).hexdigest(), file_kind=table.kind, encoding=table.encoding,
        headers=table.headers, column_mapping=[], results_gz=b"",
    )
    session.add(log)
    await session.flush()
    return log


async def _finish_log(session: AsyncSession, log: CustomerImport, report: ImportReport, *,
                      keep_file: bytes | None) -> None:
    log.column_mapping = report.mapping
    log.total_rows = len(report.results)
    log.success_count, log.error_count = report.success_count, report.error_count
    log.existing_count = report.existing_count
    log.results_gz = pack_results(report.results)
    log.file_data = keep_file
    await session.flush()


def pack_results(results: list[RowResult]) -> bytes:
    return gzip.compress(json.dumps([r.as_list() for r in results], ensure_ascii=False).encode(), 6)


def unpack_results(data: bytes | None) -> list[RowResult]:
    return [RowResult.from_list(item) for item in json.loads(gzip.decompress(data))] if data else []


async def _previous_successes(session: AsyncSession, sha256: str) -> dict[int, str]:
    """Rows this very file created in earlier imports: importing it again creates nothing."""
    blobs = (await session.scalars(
        select(CustomerImport.results_gz).where(CustomerImport.file_sha256 == sha256,
                                                CustomerImport.status == ImportStatus.DONE))).all()
    found: dict[int, str] = {}
    for blob in blobs:
        for result in unpack_results(blob):
            if result.outcome == SUCCESS:
                found.setdefault(result.row, result.customer_no)
    return found


async def _preview(session: AsyncSession, preview_id: int) -> CustomerImport:
    preview = await session.scalar(
        select(CustomerImport).where(CustomerImport.id == preview_id)
        .options(undefer(CustomerImport.file_data), undefer(CustomerImport.results_gz)))
    if preview is None or preview.status != ImportStatus.PREVIEW:
        raise NotFound("確認結果", "preview_id")
    if not preview.file_data:
        raise DomainError(ErrorCode.NOT_FOUND, "この確認結果は登録済みか期限切れです。ファイルをもう一度選んでください。",
                          "preview_id")
    return preview


def _same_as_preview(preview: CustomerImport, results: list[RowResult]) -> None:
    before = {r.row: r for r in unpack_results(preview.results_gz)}
    after = {r.row: r for r in results}
    changes = []
    for row in sorted(before.keys() | after.keys()):
        old, new = before.get(row), after.get(row)
        if old is None or new is None or old.outcome != new.outcome:
            changes.append(f"{row}行目: {_outcome_label(old)}→{_outcome_label(new)}")
    if changes:
        raise ImportChanged(changes)


async def load_import(session: AsyncSession, actor: Actor, import_id: int) -> tuple[CustomerImport, list[RowResult]]:
    check(actor, Action.IMPORT)
    log = await session.scalar(select(CustomerImport).where(CustomerImport.id == import_id)
                               .options(undefer(CustomerImport.results_gz)))
    if log is None:
        raise NotFound("取り込み履歴")
    return log, unpack_results(log.results_gz)


def _outcome_label(result: RowResult | None) -> str:
    return OUTCOME_LABELS[result.outcome] if result is not None else "なし"
