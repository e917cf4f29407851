from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.crypto import EncryptedTextField
from kefu.notify.choices import MessageChannel, OutboxStatus


class OutboxMessage(models.Model):
    """A message written in the same transaction as the change that caused it."""

    channel = models.CharField(_("渠道"), max_length=8, choices=MessageChannel.choices)
    recipient = EncryptedTextField(_("收件人"))
    template = models.CharField(_("模板"), max_length=64)
    language = models.CharField(max_length=8, default="zh-hans")
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    # What staff, the admin and the logs see: a bearer secret in the message (a sign-in code,
    # a survey link) is redacted here from the start.
    body = models.TextField(_("内容"))
    # The body as delivered, kept only while the message may still be sent: encrypted with the
    # field key, and emptied once the message is sent, skipped or given up, so after delivery
    # no copy of the secret remains in the database. Empty for a message with no secret.
    sealed_body = EncryptedTextField(blank=True, default="")
    # The secrets themselves (a JSON list, encrypted alike), to strike from a gateway's error.
    sealed_secrets = EncryptedTextField(blank=True, default="")
    work_order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Due time of the next try; a claimed message is pushed a lease ahead, so a dispatcher
    # that dies mid-batch only delays it.
    next_attempt_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            # dispatcher: pending messages that are due
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.template}#{self.pk}"


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField()
    is_success = models.BooleanField()
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")

    def __str__(self) -> str:
        return f"{self.message_id} {'ok' if self.is_success else 'failed'}"
