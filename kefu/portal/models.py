from __future__ import annotations

from django.db import models


class LoginCode(models.Model):
    """A one-time code sent by SMS for signing in to the portal. Only its hash is kept."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # throttling: codes sent to one number recently
            models.Index(fields=["phone_digest", "created_at"], name="login_code_recent"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk}"
