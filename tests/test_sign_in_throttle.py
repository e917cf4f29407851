"""Sign-in limits hold under parallel attempts (issue 22, item 1): each attempt is counted
against the name and the client address before its password is checked, in one locked step,
so 32 parallel wrong passwords get 5 checked, not 12."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from kefu.console.security import CLIENT_FAILURES_BEFORE_LOCK, FAILURES_BEFORE_LOCK
from tests.conftest import World, requires_postgres


def attempt(username: str, password: str, address: str = "10.0.0.1") -> int:
    return Client(REMOTE_ADDR=address).post(
        "/console/login/", {"username": username, "password": password}).status_code


def in_thread(username: str, password: str) -> int:
    try:
        return attempt(username, password)
    finally:
        connections.close_all()  # the thread's own connection


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(world: World) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(lambda _: in_thread("agent", "wrong"), range(32)))
    assert codes.count(200) == FAILURES_BEFORE_LOCK  # checked, and wrong
    assert codes.count(429) == 32 - FAILURES_BEFORE_LOCK  # refused before any check
    assert attempt("agent", "Kefu-test-2026") == 429  # the right one too, while locked


@pytest.mark.django_db
def test_one_client_guessing_many_names_is_limited_too(world: World) -> None:
    codes = [attempt(f"user{i}", "wrong", "10.9.9.9")
             for i in range(CLIENT_FAILURES_BEFORE_LOCK + 3)]
    assert codes.count(200) == CLIENT_FAILURES_BEFORE_LOCK and codes[-1] == 429
    assert attempt("agent", "Kefu-test-2026", "10.9.9.9") == 429
    assert attempt("agent", "Kefu-test-2026", "10.1.1.1") == 302  # another client signs in


@pytest.mark.django_db
def test_a_right_password_clears_the_names_count(world: World) -> None:
    for _ in range(FAILURES_BEFORE_LOCK - 1):
        assert attempt("agent", "wrong") == 200
    assert attempt("agent", "Kefu-test-2026") == 302
    for _ in range(FAILURES_BEFORE_LOCK - 1):
        assert attempt("agent", "wrong") == 200
    assert attempt("agent", "Kefu-test-2026") == 302
