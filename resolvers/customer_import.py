"""importCustomers: a thin door onto services.customer_import (multipart upload, managers only)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from resolvers.access import id_or_not_found
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.customer_import import ImportCustomersInput
from schema.payloads.customer_import import CustomerImportResult, ImportCustomersPayload
from services import customer_import as importer
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.permissions import Action

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.type
class CustomerImportMutation:
    @strawberry.mutation(
        description="顧客の一括登録 (bulk registration from an .xlsx / .csv multipart upload; managers only). "
        "Every row ends as SUCCESS, DATA_ERROR or ALREADY_EXISTS; dryRun writes nothing"
    )
    async def import_customers(
        self, info: Info, input: Annotated[ImportCustomersInput, INPUT]
    ) -> ImportCustomersPayload:
        settings = info.context.settings

        async def perform(session: AsyncSession, actor: Actor) -> ImportCustomersPayload:
            upload = None
            if input.file is not None and not isinstance(input.file, UploadFile):
                # The Upload scalar takes any JSON value; a file only comes as a multipart part.
                raise DomainError(ErrorCode.INVALID, "ファイルはmultipart形式のアップロードで送ってください。", "file")
            if input.file is not None:
                data = await input.file.read(settings.import_max_bytes + 1)
                upload = importer.Upload(str(input.file.filename or "upload"), data)
            preview_id = id_or_not_found(input.preview_id, "確認結果", "previewId") \
                if input.preview_id is not None else None
            if upload is None and preview_id is None:
                raise DomainError(ErrorCode.REQUIRED, "ファイルを選択してください。", "file")
            report = await importer.import_customers(
                session, actor, upload, settings=settings, dry_run=input.dry_run, encoding=input.encoding,
                mapping=list(input.column_mapping) if input.column_mapping is not None else None,
                preview_id=preview_id)
            return ImportCustomersPayload(result=CustomerImportResult.of(report))

        return await mutate(info, ImportCustomersPayload, perform, permission=Action.IMPORT)
