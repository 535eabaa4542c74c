"""画像カルテ over GraphQL: ``uploadKarteImage`` (multipart; ``replaceId`` puts it in an image's
place) and ``removeKarteImage``, and ``/karte-images/{id}``, where signed-in staff (a staff token as
Bearer) fetch an image's JPEG. There is no public path to an image; the answer is never cached
outside the staff member's own browser."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.file_uploads import Upload

from models.db import Database
from resolvers.access import id_or_not_found
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.errors import UserError
from schema.payloads.common import ERRORS
from schema.types.karte import KarteImage
from services import auth, karte_images
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.ids import parse_id
from services.karte_images import IMAGE_HEADERS
from services.permissions import Action, can

INPUT = strawberry.argument(description="入力 (input)")


@strawberry.input(description="画像カルテの登録 (a JPEG as a GraphQL multipart upload; at most three per customer; "
                              "replaceId: in that image's place instead; staff)")
class UploadKarteImageInput:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="お客様 (customer; required "
                                                                                  "unless replaceId is given)")
    file: Upload | None = strawberry.field(default=None, description="画像 (a JPEG, sent as a multipart part)")
    caption: str | None = strawberry.field(default=None, description="説明 (caption, up to 255 characters)")
    replace_id: strawberry.ID | None = strawberry.field(default=None, description="差し替える画像のID (replace)")


@strawberry.input(description="画像カルテの削除 (staff)")
class RemoveKarteImageInput:
    id: strawberry.ID = strawberry.field(description="画像ID (image id)")


@strawberry.type(description="画像カルテの登録の結果 (uploadKarteImage result)")
class KarteImagePayload:
    image: KarteImage | None = strawberry.field(default=None, description="画像 (the stored image)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type(description="画像カルテの削除の結果 (removeKarteImage result)")
class RemoveKarteImagePayload:
    removed_id: strawberry.ID | None = strawberry.field(default=None, description="削除した画像のID")
    errors: list[UserError] = strawberry.field(default_factory=list, description=ERRORS)


@strawberry.type
class KarteImageMutation:
    @strawberry.mutation(description="画像カルテの登録・差し替え (JPEG only, checked by its content; re-encoded "
                                     "upright without metadata; at most three per customer; staff)")
    async def upload_karte_image(self, info: Info, input: Annotated[UploadKarteImageInput, INPUT]
                                 ) -> KarteImagePayload:
        settings = info.context.settings

        async def perform(session: AsyncSession, actor: Actor) -> KarteImagePayload:
            if input.file is None:
                raise DomainError(ErrorCode.REQUIRED, "画像ファイルを選択してください。", "file")
            if not isinstance(input.file, UploadFile):
                # The Upload scalar takes any JSON value; a file only comes as a multipart part.
                raise DomainError(ErrorCode.INVALID, "画像はmultipart形式のアップロードで送ってください。", "file")
            data = await input.file.read(settings.karte_image_max_bytes + 1)
            if input.replace_id is not None:
                image_id = id_or_not_found(input.replace_id, "画像", "replace_id")
                image = await karte_images.replace_karte_image(session, image_id, data, actor, settings)
            else:
                customer_id = (None if input.customer_id is None
                               else id_or_not_found(input.customer_id, "お客様", "customer_id"))
                image = await karte_images.upload_karte_image(session, customer_id, data, actor, settings,
                                                              input.caption)
            return KarteImagePayload(image=image)

        return await mutate(info, KarteImagePayload, perform, permission=Action.WRITE_KARTE)

    @strawberry.mutation(description="画像カルテの削除 (staff)")
    async def remove_karte_image(self, info: Info, input: Annotated[RemoveKarteImageInput, INPUT]
                                 ) -> RemoveKarteImagePayload:
        async def perform(session: AsyncSession, actor: Actor) -> RemoveKarteImagePayload:
            image_id = id_or_not_found(input.id, "画像", "id")
            await karte_images.remove_karte_image(session, image_id, actor)
            return RemoveKarteImagePayload(removed_id=strawberry.ID(str(image_id)))

        return await mutate(info, RemoveKarteImagePayload, perform, permission=Action.WRITE_KARTE)


def _refused(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        headers={"Cache-Control": "no-store"})


def image_route(db: Database):  # type: ignore[no-untyped-def]
    async def karte_image(request: Request) -> Response:
        """The JPEG of an image, to a staff token only (a customer token, none or an expired one: 401/403)."""
        from resolvers.app import bearer_token

        token = bearer_token(request)
        actor = None
        async with db.sessionmaker() as session:
            if token is not None:
                actor = await auth.actor_for_token(session, token)
            if actor is None:
                return _refused(401, "UNAUTHENTICATED", "ログインが必要です。")
            if not can(actor, Action.READ_STAFF_FIELDS):
                return _refused(403, "PERMISSION_DENIED", "スタッフのみが参照できます。")
            image_id = parse_id(request.path_params.get("id"))
            data = None if image_id is None else await karte_images.image_bytes(session, image_id)
        if data is None:
            return _refused(404, "NOT_FOUND", "画像が見つかりません。")
        return Response(data, media_type="image/jpeg", headers=IMAGE_HEADERS)

    return karte_image
