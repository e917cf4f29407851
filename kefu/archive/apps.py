from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "kefu.archive"
    label = "archive"
    verbose_name = _("归档与保存期限")
