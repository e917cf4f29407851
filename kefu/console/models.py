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


class SavedView(models.Model):
    """A queue filter a member of staff saved under a name."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=50)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
