"""The one place the console and the portal turn a refused request into a page. Views let a
KefuError propagate; `renders_errors` answers it at the error's status, in the active
language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language

from kefu.errors import KefuError

View = Callable[..., HttpResponseBase]
# The view's own page drawn again with the error by the form that was sent; called as
# page(request, error, *view_args, **view_kwargs).
ErrorPage = Callable[..., HttpResponseBase]

CONSOLE_ERROR_PAGE = "console/error.html"
ERROR_PARTIAL = "console/_error.html"


def error_text(error: KefuError) -> str:
    """The error's message in the active language."""
    return error.message(get_language() or "zh-hans")


def error_fragment(request: HttpRequest, error: KefuError, *args: Any,
                   **kwargs: Any) -> HttpResponse:
    """The error alone: the answer of a view that answers with a fragment of a page."""
    return render(request, ERROR_PARTIAL, {"message": error_text(error)})


def renders_errors(page: ErrorPage | None = None, *,
                   template: str = CONSOLE_ERROR_PAGE) -> Callable[[View], View]:
    """Answer a KefuError from the view at its status: an htmx request gets the error partial
    to swap in; a full request gets `page`, so the input and the open form survive, or the
    error page `template` when the view has no form or its page cannot be drawn any more
    (the work order left the actor's scope, say)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except KefuError as error:
                return _answer(request, error, page, template, args, kwargs)

        return wrapper

    return decorate


def refusal(change: Callable[[], object]) -> KefuError | None:
    """Make one change of a batch; its refusal, or None. A refused row must not stop the
    others, so its error is reported next to it rather than answered as the page."""
    try:
        change()
    except KefuError as error:
        return error
    return None


def _answer(request: HttpRequest, error: KefuError, page: ErrorPage | None, template: str,
            args: tuple[Any, ...], kwargs: dict[str, Any]) -> HttpResponseBase:
    htmx = bool(getattr(request, "htmx", False))
    if page is not None and not htmx:
        try:
            response = page(request, error, *args, **kwargs)
        except KefuError as outer:
            error = outer
        else:
            response.status_code = error.http_status
            return response
    return render(request, ERROR_PARTIAL if htmx else template, {"message": error_text(error)},
                  status=error.http_status)
