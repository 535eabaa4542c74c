"""The profile form's address fill: a typed postal code fills 都道府県 / 市区町村 / 住所 at once.

``GET /admin/postal-address?code=1640001`` answers JSON for the form's script (admin/static/salon.js),
signed-in staff only; the lookup itself is services.normalize.lookup_postal_code, the same one the
service runs when the form is saved and the GraphQL ``addressByPostalCode`` answers with.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from admin.auth import StaffAuthBackend
from services import normalize
from services.errors import DomainError, ErrorCode

MAX_CODE_LENGTH = 20  # 〒１６４－０００１ with spaces is well under it


def postal_address_endpoint(backend: StaffAuthBackend):
    async def postal_address(request: Request) -> Response:
        if not await backend.authenticate(request):
            return _answer(401, error="ログインしてください。")
        code = request.query_params.get("code", "")
        if len(code) > MAX_CODE_LENGTH:
            return _answer(400, error="郵便番号は7桁の数字で入力してください（例: 100-0001）。")
        try:
            found = normalize.lookup_postal_code(code)
        except DomainError as error:
            problem = error.errors[0]
            unknown = problem.code is ErrorCode.UNKNOWN_POSTAL_CODE
            return _answer(404 if unknown else 400, error=problem.message)
        return _answer(200, postalCode=normalize.format_postal_code(found.postal_code),
                       prefecture=found.prefecture, city=found.city, town=found.town)

    return postal_address


def _answer(status: int, **body: str) -> JSONResponse:
    # Per person and typed by hand: nothing for a shared cache to keep.
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "private, no-store"})
