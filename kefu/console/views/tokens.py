"""A member of staff's own API tokens: made (shown once), listed with their last use and
end, revoked."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kefu.api.tokens import issue_api_token, list_api_tokens, revoke_api_token
from kefu.console.error_handling import renders_errors
from kefu.console.views.base import parse_int, staff_view
from kefu.errors import KefuError
from kefu.orgs.actors import Actor


def _page(request: HttpRequest, actor: Actor, *, plain: str = "",
          error: KefuError | None = None) -> HttpResponse:
    return render(request, "console/tokens.html", {
        "actor": actor, "tokens": list_api_tokens(request.user),  # type: ignore[arg-type]
        "plain": plain, "error": error, "longest": settings.KEFU_API_TOKEN_DAYS,
        "values": request.POST if error else {}},
        status=error.http_status if error else 200)


@staff_view
@renders_errors(lambda request, error, actor: _page(request, actor, error=error))
def tokens(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method != "POST":
        return _page(request, actor)
    _, plain = issue_api_token(actor=actor, user=request.user,  # type: ignore[arg-type]
                               name=request.POST.get("name", ""),
                               days=parse_int(request.POST.get("days")) or 0)
    # Shown on this answer only; a reload will not show it again.
    return _page(request, actor, plain=plain)


@require_POST
@staff_view
def token_revoke(request: HttpRequest, actor: Actor, token_id: int) -> HttpResponse:
    revoke_api_token(actor=actor, user=request.user, token_id=token_id)  # type: ignore[arg-type]
    return HttpResponseRedirect(reverse("console:tokens"))
