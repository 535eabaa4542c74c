"""Who is asking (``me``), staff login and logout."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models import StaffAccount as StaffAccountModel
from schema.context import Info
from schema.errors import user_errors
from schema.inputs import LoginInput, LogoutInput
from schema.payloads import LoginPayload, LogoutPayload
from schema.types.account import Viewer
from services import auth
from services.errors import DomainError, Unauthenticated


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="ログイン中の利用者 (the staff account or customer of the token; null without one)"
    )
    async def me(self, info: Info) -> Viewer | None:
        actor = info.context.actor
        if actor is None:
            return None
        if actor.customer_id is not None:
            return await info.context.loaders.customer.load(actor.customer_id)
        if actor.account_id is None:
            return None
        async with info.context.db.sessionmaker() as session:
            return await session.get(StaffAccountModel, actor.account_id)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="ログイン (staff login: issues a bearer token)")
    async def login(
        self, info: Info, input: Annotated[LoginInput, strawberry.argument(description="入力 (input)")]
    ) -> LoginPayload:
        try:
            async with info.context.db.transaction() as session:
                account = await auth.authenticate(session, input.login_id, input.password)
                token, expires_at = await auth.issue_staff_token(session, account)
        except DomainError as exc:
            return LoginPayload(errors=user_errors(exc))
        return LoginPayload(token=token, expires_at=expires_at, account=account)

    @strawberry.mutation(description="ログアウト (revoke the token)")
    async def logout(
        self,
        info: Info,
        input: Annotated[
            LogoutInput | None, strawberry.argument(description="入力 (input; may be omitted)")
        ] = None,
    ) -> LogoutPayload:
        raw = (input.token if input is not None else None) or info.context.token
        if not raw:
            return LogoutPayload(errors=user_errors(Unauthenticated()))
        async with info.context.db.transaction() as session:
            await auth.revoke_token(session, raw)
        return LogoutPayload(revoked=True)
