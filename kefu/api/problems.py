"""RFC 9457 problem documents for every error the API answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from kefu.errors import KefuError

CONTENT_TYPE = "application/problem+json"


def wants_english(request: HttpRequest) -> bool:
    return request.headers.get("Accept-Language", "").lower().startswith("en")


def problem(
    request: HttpRequest, *, status: int, code: str, title: str, message_zh: str,
    message_en: str, fields: dict[str, list[str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"/api/problems/{code}",
        "title": title,
        "status": status,
        "detail": message_en if wants_english(request) else message_zh,
        "code": code,
        "message_zh": message_zh,
        "message_en": message_en,
    }
    if fields:
        body["errors"] = fields
    if extra:
        body.update(extra)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE,
                        json_dumps_params={"ensure_ascii": False})


def problem_from_error(request: HttpRequest, exc: KefuError) -> HttpResponse:
    return problem(
        request, status=exc.http_status, code=exc.code, title=exc.title,
        message_zh=exc.message_zh, message_en=exc.message_en, fields=exc.fields,
        extra=exc.detail,
    )


def fields_from_pydantic(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic error list → {field: [messages]}, dropping the 'body'/'query' location."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query",
                                                                           "path", "header")]
        if loc and loc[0] in ("payload", "data", "filters"):
            loc = loc[1:]
        name = ".".join(loc) or "body"
        fields.setdefault(name, []).append(str(error.get("msg", "invalid")))
    return fields
