from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkOrdersConfig(AppConfig):
    name = "kefu.workorders"
    label = "workorders"
    verbose_name = _("工单")

    def ready(self) -> None:
        # Each app declares its guards and reactions in its own `reactions` module; importing
        # them registers them with the kernel (kefu.workorders.reactions).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reactions")
