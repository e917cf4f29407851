from django.contrib import admin

from kefu.customers.masking import mask_name, mask_phone
from kefu.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Masked in the list; the admin is for configuration, not for reading personal data."""

    list_display = ("id", "masked_name", "masked_phone", "level", "unit", "created_at")
    list_filter = ("level",)
    fields = ("level", "unit", "preferred_language")

    @admin.display(description="姓名")
    def masked_name(self, obj: Customer) -> str:
        return mask_name(obj.name)

    @admin.display(description="手机号码")
    def masked_phone(self, obj: Customer) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: object) -> bool:
        return False
