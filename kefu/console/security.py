"""Staff sign-in limits: a name, and a client address, that failed too often recently are
refused before any password is checked; and a session lifetime that idle time cannot
extend (`auth.SessionLifetimeMiddleware`)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kefu.console.models import SignInThrottle

FAILURES_BEFORE_LOCK = 5
# A call centre signs in from a few addresses: the client limit is wider than the name's.
CLIENT_FAILURES_BEFORE_LOCK = 20
LOCK = timedelta(minutes=15)


def _name_key(username: str) -> str:
    return "name:" + username.strip().lower()[:140]


def _keys(username: str, client: str) -> list[tuple[str, int]]:
    # Sorted, so two attempts always lock the rows in the same order.
    return sorted([(_name_key(username), FAILURES_BEFORE_LOCK),
                   ("client:" + client[:100], CLIENT_FAILURES_BEFORE_LOCK)])


@transaction.atomic
def admit_sign_in(username: str, client: str) -> bool:
    """Count this attempt against the name and the client before its password is checked, in
    one locked step, so parallel guesses cannot slip past the limit; False (and nothing
    counted) when either has reached its limit within the lock period."""
    now = timezone.now()
    rows = []
    for key, limit in _keys(username, client):
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"failures": 0, "since": now})
        if row.since < now - LOCK:
            row.failures, row.since = 0, now
        if row.failures >= limit:
            return False
        rows.append(row)
    for row in rows:
        row.failures += 1
        row.save(update_fields=["failures", "since"])
    return True


@transaction.atomic
def signed_in(username: str, client: str) -> None:
    """The attempt was right: the name starts afresh, and the client gets back the attempt
    counted for it."""
    SignInThrottle.objects.filter(key=_name_key(username)).delete()
    SignInThrottle.objects.filter(key="client:" + client[:100], failures__gt=0).update(
        failures=F("failures") - 1)
