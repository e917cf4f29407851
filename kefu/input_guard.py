"""No NUL character reaches the database: PostgreSQL refuses it in text (a 500 where the
input was the client's mistake), SQLite would store it. A request carrying one in its query,
its form fields or its JSON body is refused before any view runs — 422 problem+json on the
API, 400 elsewhere. File contents are not text and pass."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse

_JSON_NUL = rb"\u0000"


def _carries_nul(request: HttpRequest) -> bool:
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    kind = request.content_type or ""
    if kind == "multipart/form-data":
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    body = request.body
    if kind == "application/x-www-form-urlencoded":
        return b"\x00" in unquote_to_bytes(body)
    return b"\x00" in body or _JSON_NUL in body.lower()


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _carries_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            from kefu.api.problems import problem

            return problem(request, status=422, code="invalid_input", title="Invalid input",
                           message_zh="请求中含有空字符（NUL），已拒绝",
                           message_en="The request contains a NUL character")
        return HttpResponse("请求中含有空字符（NUL），已拒绝 / The request contains a NUL "
                            "character", status=400, content_type="text/plain; charset=utf-8")
