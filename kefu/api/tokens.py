"""Issuing and checking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kefu.api.models import ApiToken
from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.orgs.actors import Actor

TOKEN_PREFIX = "kefu_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_api_token(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=plain[:12], key_hash=_hash(plain))
    record_audit(actor=actor, action=AuditAction.API_TOKEN_ISSUED, object_type="user",
                 object_id=user.pk, data={"token_id": token.pk, "name": name})
    return token, plain


def user_for_token(plain: str) -> User | None:
    token = (ApiToken.objects.select_related("user", "user__staff", "user__staff__unit")
             .filter(key_hash=_hash(plain), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy integration must not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
