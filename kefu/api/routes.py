"""The API: `/api/`, OpenAPI 3 at `/api/openapi.json`, interactive docs at `/api/docs`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kefu.api.appeals import router as appeals_router
from kefu.api.auth import AUTH
from kefu.api.co_handling import router as co_handling_router
from kefu.api.customers import router as customers_router
from kefu.api.incidents import router as incidents_router
from kefu.api.knowledge import router as knowledge_router
from kefu.api.problems import fields_from_pydantic, problem, problem_from_error
from kefu.api.reference import router as reference_router
from kefu.api.search import router as search_router
from kefu.api.supervision import router as supervision_router
from kefu.api.surveys import router as surveys_router
from kefu.api.workorders import router as workorders_router
from kefu.errors import KefuError

api = NinjaAPI(
    title="Kefu 客服 API",
    version="1",
    description=(
        "工单、客户与组织接口。认证：`Authorization: Bearer <token>` 或控制台会话。"
        "错误均为 RFC 9457 problem+json。\n\n"
        "Work orders, customers and organisation. Authenticate with a bearer token or the "
        "console session. Errors are RFC 9457 problem+json documents."
    ),
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("/work-orders", workorders_router, tags=["work orders"])
api.add_router("/customers", customers_router, tags=["customers"])
api.add_router("/surveys", surveys_router, tags=["surveys"])
api.add_router("/appeals", appeals_router, tags=["appeals"])
api.add_router("/supervision", supervision_router, tags=["supervision"])
api.add_router("/incidents", incidents_router, tags=["incidents"])
api.add_router("/knowledge", knowledge_router, tags=["knowledge"])
api.add_router("/search", search_router, tags=["search"])
api.add_router("/", co_handling_router, tags=["escalation and co-handling"])
api.add_router("/", reference_router, tags=["reference"])


@api.exception_handler(KefuError)
def on_domain_error(request: HttpRequest, exc: KefuError) -> HttpResponse:
    return problem_from_error(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = fields_from_pydantic(list(exc.errors))
    return problem(request, status=422, code="invalid_input", title="Invalid input",
                   message_zh="请求内容有误", message_en="The request is invalid", fields=fields)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, status=401, code="unauthenticated", title="Unauthenticated",
                       message_zh="请先登录或提供有效的令牌",
                       message_en="Sign in or send a valid token")
    response["WWW-Authenticate"] = 'Bearer realm="kefu"'
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, status=404, code="not_found", title="Not found",
                   message_zh="资源不存在", message_en="Not found")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, status=exc.status_code, code="http_error", title=str(exc),
                   message_zh=str(exc), message_en=str(exc))
