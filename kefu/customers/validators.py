"""Validation of mainland phone numbers and resident ID numbers (GB 11643)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_phone(raw: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix."""
    phone = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix):]
    return phone


def validate_mobile(raw: str) -> str:
    """The normalised mainland mobile number, or ValidationError."""
    phone = normalise_phone(raw)
    if not _MOBILE.match(phone):
        raise ValidationError(
            _("请输入有效的中国大陆手机号码 / Enter a valid mainland mobile number."),
            code="invalid_phone",
        )
    return phone


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(raw: str) -> str:
    """An 18-character resident ID number with a valid date and check digit, upper-cased."""
    value = (raw or "").strip().upper()
    message = _("身份证号码无效 / Invalid resident ID number.")
    if not re.match(r"^\d{17}[\dX]$", value):
        raise ValidationError(message, code="invalid_id_number")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(message, code="invalid_id_number") from exc
    if born.year < 1900 or born > date.today():
        raise ValidationError(message, code="invalid_id_number")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(message, code="invalid_id_number")
    return value
