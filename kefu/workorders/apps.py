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
        # Declares to the customers app, which may not import the kernel, that staff open the
        # customers whose work orders their scope holds.
        import kefu.workorders.queries  # noqa: F401
