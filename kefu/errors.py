"""Domain errors. Each carries a stable code, an HTTP status and a message in both languages;
the API renders them as RFC 9457 problem documents and the console as an error partial."""

from __future__ import annotations

from typing import Any

# The per-field message for a missing value, in both languages.
REQUIRED = "必填 / required"


class KefuError(Exception):
    code = "error"
    http_status = 400
    title = "Request refused"
    # A refusal an inspector asks about (a right missing, a final record touched): audited
    # even though the change it refused rolls back (SPEC §15).
    is_evidence = False

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        fields: dict[str, list[str]] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.fields = fields or {}
        self.detail = detail or {}

    def message(self, language: str = "zh-hans") -> str:
        return self.message_en if language.startswith("en") else self.message_zh


class NotFound(KefuError):
    """Also answered for records outside the actor's scope, so existence does not leak."""

    code = "not_found"
    http_status = 404
    title = "Not found"


class InvalidInput(KefuError):
    code = "invalid_input"
    http_status = 422
    title = "Invalid input"


class PermissionRefused(KefuError):
    code = "permission_refused"
    http_status = 403
    title = "Permission refused"
    is_evidence = True


class Conflict(KefuError):
    code = "conflict"
    http_status = 409
    title = "Conflict"


class StaleVersion(KefuError):
    code = "stale_version"
    http_status = 412
    title = "Precondition failed"
