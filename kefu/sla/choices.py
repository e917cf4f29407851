from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockKind(models.TextChoices):
    CONFIRM = "confirm", _("确认受理")
    START_HANDLING = "start_handling", _("开始处理")
    INITIAL_INVESTIGATION = "initial_investigation", _("初步调查")
    FIRST_REPLY = "first_reply", _("首次答复")
    DETAILED_INVESTIGATION = "detailed_investigation", _("详细调查")
    HANDLING_COMPLETE = "handling_complete", _("处理完成")
    REPLY_AFTER_HANDLING = "reply_after_handling", _("处理完成后答复")
    CLOSED_LOOP = "closed_loop", _("闭环")
    ARCHIVE = "archive", _("归档")
    REQUEST_ASSESSMENT = "request_assessment", _("业务初评")
    REQUEST_COMPLETE = "request_complete", _("业务办结")
    AUTO_CLOSE = "auto_close", _("答复后自动结案")
    INCIDENT_NOTICE = "incident_notice", _("突发事件通报")


class ClockUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")
    HOURS = "hours", _("小时")
    MINUTES = "minutes", _("分钟")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按时完成")
    BREACHED = "breached", _("已超时")
    STOPPED = "stopped", _("已终止")
