from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = _("回访与满意度")
