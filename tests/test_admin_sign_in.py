"""The admin site has no sign-in of its own (issue 22, items 1 and 9): its login is the
console's, with the console's lockout, and admin sessions end at the same idle and absolute
limits as console sessions."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kefu.console.auth import SESSION_STARTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> object:
    return get_user_model().objects.create_superuser("root", "root@example.com", "Root-pass-2026")


def test_the_admin_login_is_the_consoles(root: object) -> None:
    client = Client()
    page = client.get("/admin/login/?next=/admin/sla/")
    assert page.status_code == 302
    assert page["Location"] == "/console/login/?next=%2Fadmin%2Fsla%2F"
    # The admin's own form cannot be posted to either.
    client.post("/admin/login/", {"username": "root", "password": "Root-pass-2026"})
    assert client.get("/admin/").status_code == 302
    signed = client.post("/console/login/?next=/admin/", {
        "username": "root", "password": "Root-pass-2026", "next": "/admin/"})
    assert signed.status_code == 302 and signed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_consoles_lockout_holds_for_the_administrator(root: object) -> None:
    client = Client()
    for _ in range(5):
        client.post("/console/login/", {"username": "root", "password": "wrong"})
    locked = client.post("/console/login/", {"username": "root", "password": "Root-pass-2026"})
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_an_admin_session_ends_at_the_absolute_limit(root: object, settings: object) -> None:
    client = Client()
    client.force_login(root)  # signed in without the console's form: counted from first use
    assert client.get("/admin/").status_code == 200
    session = client.session
    assert session[SESSION_STARTED] <= time.time()
    session[SESSION_STARTED] = int(time.time()) - 11 * 3600
    session.save()
    ended = client.get("/admin/")
    assert ended.status_code == 302 and ended["Location"].startswith("/console/login/")
    assert client.get("/admin/").status_code == 302
