from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit log."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_role = models.CharField(max_length=16)
    actor_user_id = models.BigIntegerField(null=True)
    actor_name = models.CharField(max_length=100)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            # audit trail of one record, newest first
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row that holds the chain's last link; appending locks it, so links are
    written one after another even with many web workers."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
