from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.customers.crypto import EncryptedTextField


class CustomerLevel(models.TextChoices):
    STANDARD = "standard", _("普通")
    SILVER = "silver", _("银卡")
    GOLD = "gold", _("金卡")
    DIAMOND = "diamond", _("钻石卡")


class Customer(models.Model):
    """A customer of the operator. Personal fields are encrypted and shown masked. A customer
    outlives any one work order, so retention, which acts on archived work orders, leaves
    the row as it is."""

    # The digest is a pseudonym: with the key it still singles out one number.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = (
        "name", "phone", "phone_digest", "id_number", "address", "email")

    name = EncryptedTextField(_("姓名"))
    phone = EncryptedTextField(_("手机号码"))
    # HMAC of the normalised phone number: exact lookup without storing the number in clear.
    # Its unique constraint is the index of that lookup.
    phone_digest = models.CharField(max_length=64, editable=False)
    id_number = EncryptedTextField(_("身份证号码"), blank=True)
    address = EncryptedTextField(_("地址"), blank=True)
    email = EncryptedTextField(_("电子邮箱"), blank=True)
    level = models.CharField(
        _("客户等级"), max_length=16, choices=CustomerLevel.choices, default=CustomerLevel.STANDARD
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="customers",
        verbose_name=_("归属单位"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="customer",
    )
    preferred_language = models.CharField(max_length=8, default="zh-hans")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        constraints = [
            # One customer per mobile number across the operator (SPEC §15): an agent of any
            # unit who takes a call from a known number finds that customer.
            models.UniqueConstraint(fields=["phone_digest"], name="customer_one_per_number"),
        ]

    def __str__(self) -> str:
        from kefu.customers.masking import mask_name

        return mask_name(self.name)
