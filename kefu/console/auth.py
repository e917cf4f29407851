"""The staff sign-in page with lockout, and the middleware that ends over-long sessions."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from kefu.console.security import admit_sign_in, signed_in
from kefu.seeding.progress import read_demo_load

SESSION_STARTED = "kefu_session_started"


def demo_progress(request: HttpRequest) -> HttpResponse:
    """The login page's line on the demo load, polled while it lasts (empty once done)."""
    return render(request, "console/_demo_progress.html",
                  {"demo_load": read_demo_load(Path(settings.DATA_DIR))})


def _client(request: HttpRequest) -> str:
    # The peer address: a forwarded header is the client's to write, so it is not trusted.
    return str(request.META.get("REMOTE_ADDR", ""))


class StaffLoginView(LoginView):
    template_name = "console/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # On first start the demo's work orders load behind the server: say how far.
        return {**super().get_context_data(**kwargs),
                "demo_load": read_demo_load(Path(settings.DATA_DIR))}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if not admit_sign_in(username, _client(request)):
            form = self.get_form()
            form.errors.clear()
            return self.render_to_response(self.get_context_data(form=form, locked=True),
                                           status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        signed_in(self.request.POST.get("username", ""), _client(self.request))
        response = super().form_valid(form)
        self.request.session[SESSION_STARTED] = int(time.time())
        return response


class SessionLifetimeMiddleware:
    """Idle expiry is the session cookie's age (refreshed on every request); this ends a
    session that has lasted longer than KEFU_SESSION_MAX_SECONDS however active it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            started = session.get(SESSION_STARTED)
            if started is None:
                # A session signed in another way (or before the mark existed) is counted
                # from now, so no session escapes the limit.
                session[SESSION_STARTED] = int(time.time())
            elif time.time() - started > settings.KEFU_SESSION_MAX_SECONDS:
                logout(request)
                if request.path.startswith(("/console/", "/admin/")):
                    return HttpResponseRedirect(
                        f"{reverse('console:login')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin has no door of its own: its sign-in is the console's, with the console's
    lockout and session limits."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('console:login')}?{urlencode({'next': next_url})}")
