from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    HQ = "hq", _("总部")
    PROVINCE = "province", _("省公司")
    CITY = "city", _("地市")
    DISTRICT = "district", _("区县")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("客户服务部")
    NETWORK = "network", _("网络运维部")
    BILLING = "billing", _("计费账务部")
    MARKETING = "marketing", _("市场营销部")
    FIELD = "field", _("装维服务部")
    LEGAL = "legal", _("法律事务部")


class Role(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    AGENT = "agent", _("客服人员")
    HANDLER = "handler", _("处理人员")
    SUPERVISOR = "supervisor", _("主管")
    MANAGER = "manager", _("管理层")
    QA = "qa", _("质检员")
    ARCHIVIST = "archivist", _("档案管理员")
    EDITOR = "editor", _("信息采编员")
    REVIEWER = "reviewer", _("信息审核员")
    ADMIN = "admin", _("系统管理员")
    AUDITOR = "auditor", _("审计员")
    SYSTEM = "system", _("系统")


STAFF_ROLES = frozenset(r for r in Role if r not in (Role.CUSTOMER, Role.SYSTEM))
# The people who carry work orders: the handlers to pick from and the team whose load is shown.
CASEWORKER_ROLES = (Role.AGENT, Role.HANDLER, Role.SUPERVISOR)
