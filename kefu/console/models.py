from __future__ import annotations

from django.db import models


class SignInThrottle(models.Model):
    """Recent sign-in attempts of one name or one client address, shared by every web
    process; the row is locked while an attempt is counted."""

    key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} since {self.since:%Y-%m-%d %H:%M}"


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
