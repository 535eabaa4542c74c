"""Who is asking (``me``), staff login and logout."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer as CustomerModel
from models import StaffAccount as StaffAccountModel
from resolvers.access import id_or_not_found
from resolvers.mutation import mutate, mutate_anonymous
from resolvers.runtime.context import Info
from schema.inputs import IssueCustomerTokenInput, LoginInput, LogoutInput
from schema.payloads import IssueCustomerTokenPayload, LoginPayload, LogoutPayload
from schema.types.account import Viewer
from services import auth
from services.actor import Actor
from services.errors import DomainError, ErrorCode, Unauthenticated
from services.permissions import Action


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
        async with info.context.reads.session() as session:
            return await session.get(StaffAccountModel, actor.account_id)


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="ログイン (staff login: issues a bearer token)")
    async def login(
        self, info: Info, input: Annotated[LoginInput, strawberry.argument(description="入力 (input)")]
    ) -> LoginPayload:
        async def perform(session: AsyncSession, _actor: Actor | None) -> LoginPayload:
            info.context.logins += 1
            if info.context.logins > 1:  # 30 aliased logins in one request would be 30 argon2 hashes
                raise DomainError(ErrorCode.TOO_MANY_REQUESTS, "ログインは1回のリクエストにつき1回までです。")
            request = info.context.request
            address = request.client.host if request is not None and request.client else None
            # Before this transaction's first statement: authenticate keeps its own transactions,
            # so an attempt stays counted (services.login_throttle) when the login is refused.
            account = await auth.authenticate(info.context.db, input.login_id, input.password, address)
            token, expires_at = await auth.issue_staff_token(session, account)
            return LoginPayload(token=token, expires_at=expires_at, account=account)

        return await mutate_anonymous(info, LoginPayload, perform)

    @strawberry.mutation(
        description="お客様トークンの発行 (site credential only, `Authorization: ApiClient <secret>`: the "
        "reservation site's server, after its own LINE login and linkLineAccount, gets a token that sees only "
        "that LINE-linked customer's data; never for a withdrawn customer)"
    )
    async def issue_customer_token(
        self,
        info: Info,
        input: Annotated[IssueCustomerTokenInput, strawberry.argument(description="入力 (input)")],
    ) -> IssueCustomerTokenPayload:
        async def perform(session: AsyncSession, actor: Actor) -> IssueCustomerTokenPayload:
            customer_id = id_or_not_found(input.customer_id, "お客様", "customerId")
            token, expires_at = await auth.grant_customer_token(session, customer_id, actor)
            customer = await session.get(CustomerModel, customer_id)
            return IssueCustomerTokenPayload(token=token, expires_at=expires_at, customer=customer)

        return await mutate(info, IssueCustomerTokenPayload, perform, permission=Action.ISSUE_CUSTOMER_TOKEN)

    @strawberry.mutation(description="ログアウト (revoke the token)")
    async def logout(
        self,
        info: Info,
        input: Annotated[
            LogoutInput | None, strawberry.argument(description="入力 (input; may be omitted)")
        ] = None,
    ) -> LogoutPayload:
        raw = (input.token if input is not None else None) or info.context.token

        async def perform(session: AsyncSession, _actor: Actor | None) -> LogoutPayload:
            if not raw:
                raise Unauthenticated()
            await auth.revoke_token(session, raw)
            return LogoutPayload(revoked=True)

        return await mutate_anonymous(info, LogoutPayload, perform)
