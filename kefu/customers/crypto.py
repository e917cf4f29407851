"""Encryption of personal fields at rest, and the keyed digest used to find them again.

Values are encrypted with Fernet (AES-128-CBC + HMAC). Equality lookups (a phone number typed by
an agent) go through an HMAC digest of the normalised value, so the database never holds the
plain number and still answers an exact match from an index.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    material = hashlib.sha256(("kefu-field-key:" + secret).encode()).digest()
    digest_key = hashlib.sha256(("kefu-digest-key:" + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material)), digest_key


def encrypt(value: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    return fernet.encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    fernet, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal field cannot be decrypted with the configured key") from exc


def digest(value: str) -> str:
    _, key = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the plain value."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
