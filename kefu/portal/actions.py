"""Signing in to the portal with a one-time SMS code, throttled per number."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.audit.actions import record_audit
from kefu.audit.choices import AuditAction
from kefu.customers.crypto import digest
from kefu.customers.models import Customer
from kefu.customers.validators import validate_mobile
from kefu.errors import InvalidInput, KefuError
from kefu.notify.actions import enqueue_message
from kefu.notify.choices import MessageChannel
from kefu.orgs.actors import Actor
from kefu.orgs.choices import Role
from kefu.portal.models import LoginCode

CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_HOUR = 5
ATTEMPTS_PER_CODE = 5


class TooManyRequests(KefuError):
    code = "too_many_requests"
    http_status = 429
    title = "Too many requests"


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _phone(raw: str) -> str:
    try:
        return validate_mobile(raw)
    except ValidationError:
        raise InvalidInput("请输入有效的手机号码", "Enter a valid mobile number",
                           fields={"phone": ["无效 / invalid"]}) from None


@transaction.atomic
def send_login_code(*, phone: str) -> None:
    """Send a 6-digit code to a customer's number. Unknown numbers get the same answer and no
    SMS, so the form does not reveal who is a customer."""
    number = _phone(phone)
    key = digest(number)
    now = timezone.now()
    recent = LoginCode.objects.select_for_update().filter(
        phone_digest=key, created_at__gte=now - timedelta(hours=1)).order_by("-created_at")
    codes = list(recent)
    if codes and now - codes[0].created_at < RESEND_AFTER:
        raise TooManyRequests("验证码已发送，请60秒后再试", "A code was just sent; wait a minute")
    if len(codes) >= CODES_PER_HOUR:
        raise TooManyRequests("验证码发送过于频繁，请一小时后再试",
                              "Too many codes for this number; try again in an hour")
    code = f"{secrets.randbelow(10**6):06d}"
    LoginCode.objects.create(phone_digest=key, code_hash=_hash(code), created_at=now,
                             expires_at=now + CODE_TTL)
    if Customer.objects.filter(phone_digest=key).exists():
        enqueue_message(channel=MessageChannel.SMS, recipient=number, template="login_code",
                        context={"minutes": int(CODE_TTL.total_seconds() // 60)},
                        secret_context={"code": code})


def verify_login_code(*, phone: str, code: str) -> Customer:
    """The customer whose number received this code; the code is used up. A wrong code
    counts against the code's attempts even though the call fails."""
    number = _phone(phone)
    key = digest(number)
    wrong = InvalidInput("验证码错误或已过期", "The code is wrong or has expired",
                         fields={"code": ["无效 / invalid"]})
    # The attempt is committed before the answer, so a refused try is still counted.
    with transaction.atomic():
        now = timezone.now()
        login = (LoginCode.objects.select_for_update()
                 .filter(phone_digest=key, used_at__isnull=True, expires_at__gt=now)
                 .order_by("-created_at").first())
        if login is None:
            raise wrong
        if login.attempts >= ATTEMPTS_PER_CODE:
            raise TooManyRequests("尝试次数过多，请重新获取验证码",
                                  "Too many attempts; ask for a new code")
        login.attempts += 1
        matches = hmac.compare_digest(login.code_hash, _hash(code.strip()))
        customer = Customer.objects.filter(phone_digest=key).order_by("id").first()
        if matches and customer is not None:
            login.used_at = now
            _ensure_user(customer)
            record_audit(actor=Actor(role=Role.CUSTOMER, name="customer",
                                     user_id=customer.user_id, customer_id=customer.pk),
                         action=AuditAction.PORTAL_SIGNED_IN, object_type="customer",
                         object_id=customer.pk)
        login.save(update_fields=["attempts", "used_at"])
    if not matches or customer is None:
        raise wrong
    return customer


def _ensure_user(customer: Customer) -> None:
    """A login for the customer, made on first sign-in (no password: codes only)."""
    if customer.user_id is not None:
        return
    user = get_user_model().objects.create(username=f"customer-{customer.pk}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Customer.objects.filter(pk=customer.pk).update(user=user)
    customer.user = user
