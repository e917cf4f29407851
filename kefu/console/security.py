"""Staff sign-in limits: lockout after repeated failures, and a session lifetime that idle
time cannot extend."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kefu.console.models import LoginFailure

FAILURES_BEFORE_LOCK = 5
LOCK = timedelta(minutes=15)


def _name(username: str) -> str:
    return username.strip().lower()[:150]


def is_locked(username: str) -> bool:
    """Whether sign-in for this username is paused after too many recent failures."""
    since = timezone.now() - LOCK
    return LoginFailure.objects.filter(username=_name(username),
                                       at__gte=since).count() >= FAILURES_BEFORE_LOCK


@transaction.atomic
def record_login_failure(username: str) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lt=now - LOCK).delete()
    LoginFailure.objects.create(username=_name(username), at=now)


@transaction.atomic
def clear_login_failures(username: str) -> None:
    LoginFailure.objects.filter(username=_name(username)).delete()
