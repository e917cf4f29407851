from __future__ import annotations

from django.db import models


class LoginFailure(models.Model):
    """A failed staff sign-in, kept briefly for lockout (shared by every web process)."""

    username = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            # lockout check: recent failures for one username
            models.Index(fields=["username", "at"], name="login_failure_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
