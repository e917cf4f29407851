"""Issuing, checking, listing and revoking API tokens. A token is shown once, stored as its
SHA-256 only, expires (KEFU_API_TOKEN_DAYS, 90 by default, or fewer days as its maker
chooses) and can be revoked by its holder or an administrator; each is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kefu.api.models import ApiToken
from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.errors import REQUIRED, InvalidInput, NotFound
from kefu.orgs.actors import Actor

TOKEN_PREFIX = "kefu_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


MAX_NAME = 100


@transaction.atomic
def issue_api_token(*, actor: Actor, user: User, name: str,
                    days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    longest = settings.KEFU_API_TOKEN_DAYS
    days = longest if days is None else days
    problems: dict[str, list[str]] = {}
    if not 1 <= days <= longest:
        problems["expires"] = [f"1–{longest}"]
    if not name.strip() or len(name.strip()) > MAX_NAME:
        problems["name"] = [REQUIRED if not name.strip() else f"max {MAX_NAME}"]
    if problems:
        raise InvalidInput("令牌信息有误", "The token's name or lifetime is invalid",
                           fields=problems)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=plain[:12],
                                    key_hash=_hash(plain), expires_at=expires)
    record_audit(actor=actor, action=AuditAction.API_TOKEN_ISSUED, object_type="user",
                 object_id=user.pk, data={"token_id": token.pk, "name": token.name,
                                          "expires_at": expires.isoformat()})
    return token, plain


@transaction.atomic
def revoke_api_token(*, actor: Actor, user: User, token_id: int) -> ApiToken:
    """End one of `user`'s tokens now (the holder on the console's page, an operator with
    the command line); another's token answers like a missing one."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("令牌不存在", "No such token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor=actor, action=AuditAction.API_TOKEN_REVOKED, object_type="user",
                     object_id=token.user_id, data={"token_id": token.pk, "name": token.name})
    return token


def list_api_tokens(user: User) -> list[ApiToken]:
    """A holder's tokens, newest first, with their last use; the secret itself is never
    kept, only its first characters."""
    return list(ApiToken.objects.filter(user=user).order_by("-id"))


def user_for_token(plain: str) -> User | None:
    now = timezone.now()
    token = (ApiToken.objects.select_related("user", "user__staff", "user__staff__unit")
             .filter(key_hash=_hash(plain), revoked_at__isnull=True, expires_at__gt=now)
             .first())
    if token is None or not token.user.is_active:
        return None
    # Touch at most once a minute: a busy integration must not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
