"""Message texts by template name, in Chinese and English. Bodies never carry unmasked
personal data beyond what the recipient already knows."""

from __future__ import annotations

from typing import Any

_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "work_order_received": {
        "zh-hans": ("【客服】您的诉求已受理",
                    "您的{kind}已受理，单号 {number}。我们将在规定时限内处理并答复您。"),
        "en": ("Your request has been received",
               "Your {kind} has been received as {number}. We will reply within the time limit."),
    },
    "info_requested": {
        "zh-hans": ("【客服】请补充材料", "工单 {number} 需要您补充：{question}"),
        "en": ("More information needed", "Work order {number} needs more from you: {question}"),
    },
    "reply_sent": {
        "zh-hans": ("【客服】处理结果答复",
                    "工单 {number} 的处理结果：{result}\n如有异议请回复或致电客服。"),
        "en": ("Our reply", "Result for {number}: {result}\nReply or call us if you disagree."),
    },
    "work_order_closed": {
        "zh-hans": ("【客服】工单已结案",
                    "工单 {number} 已结案。处理结果：{result}\n如对处理结果不满意，可在30日内通过"
                    "客服热线或自助服务提出申诉，也可向当地通信管理局申诉。"),
        "en": ("Work order closed",
               "{number} is closed. Result: {result}\nIf you are not satisfied you may appeal "
               "within 30 days through our hotline or self-service, or to the regional "
               "communications administration."),
    },
    "appeal_received": {
        "zh-hans": ("【客服】您的申诉已受理",
                    "您对工单 {original} 的申诉已受理，申诉单号 {number}，将由上级单位处理并在"
                    "规定时限内答复您。"),
        "en": ("Your appeal has been received",
               "Your appeal of {original} has been received as {number}. A higher level will "
               "handle it and reply within the time limit."),
    },
    "escalation_decided": {
        "zh-hans": ("【客服】升级申请结果", "工单 {number} 的升级申请已{decision}。"),
        "en": ("Escalation request decided", "The escalation request for {number}: {decision}."),
    },
    "subtask_assigned": {
        "zh-hans": ("【客服】协办任务",
                    "工单 {number} 需要{department}协办，请于 {due} 前提交结果。"),
        "en": ("Co-handling task", "{number} needs {department}'s part by {due}."),
    },
    "subtask_overdue": {
        "zh-hans": ("【客服】协办超时", "工单 {number} 的{department}协办任务已于 {due} 超时。"),
        "en": ("Co-handling task overdue", "{number}: {department}'s part was due at {due}."),
    },
    "co_handling_done": {
        "zh-hans": ("【客服】协办已全部完成",
                    "工单 {number} 的各协办部门均已提交结果，可以答复客户。"),
        "en": ("Co-handling complete", "Every department has given its part for {number}."),
    },
    "supervision_opened": {
        "zh-hans": ("【客服】督办通知",
                    "工单 {number} 已列入督办：{detail}。请于 {due} 前办结并按时报告进展。"),
        "en": ("Under supervision",
               "{number} is under supervision: {detail}. Finish by {due} and report progress."),
    },
    "supervision_report_missed": {
        "zh-hans": ("【客服】督办进展逾期未报", "督办工单 {number} 未在 {missed} 前报告进展"
                    "（第 {count} 次），下次报告期限 {next}。"),
        "en": ("Supervision: progress report missed",
               "{number} missed its progress report due {missed} ({count}); next due {next}."),
    },
    "supervision_reminder": {
        "zh-hans": ("【客服】督办进展提醒", "督办工单 {number} 需要报告进展，督办期限 {due}。"),
        "en": ("Supervision: report progress", "{number} needs a progress report; due {due}."),
    },
    "incident_reported": {
        "zh-hans": ("【客服】突发事件上报：{number}",
                    "{unit}上报{level}突发事件 {number}「{title}」，发现于 {detected}。"
                    "须在 {deadline} 前发布通报。"),
        "en": ("Incident reported: {number}",
               "{unit} reported a level {level_no} incident {number} \"{title}\", detected "
               "{detected}. The notice is due by {deadline}."),
    },
    "incident_notice_warned": {
        "zh-hans": ("【客服】突发事件通报即将超时：{number}",
                    "突发事件 {number}「{title}」尚未通报，通报期限 {deadline}。"),
        "en": ("Incident notice due soon: {number}",
               "Incident {number} \"{title}\" has no notice yet; it is due by {deadline}."),
    },
    "incident_notice_breached": {
        "zh-hans": ("【客服】突发事件通报已超时：{number}",
                    "{unit}的突发事件 {number}「{title}」未在 {deadline} 前通报，请督促处置单位"
                    "立即通报。"),
        "en": ("Incident notice overdue: {number}",
               "Incident {number} \"{title}\" of {unit} was not notified by {deadline}; "
               "see that the notice goes out now."),
    },
    "incident_notice": {
        "zh-hans": ("【客服】突发事件通报：{number}", "{number}「{title}」：{text}"),
        "en": ("Incident notice: {number}", "{number} \"{title}\": {text}"),
    },
    "survey_invitation": {
        "zh-hans": ("【客服】请评价我们的服务",
                    "工单 {number} 已结案，请用1分钟评价我们的服务：{link}\n"
                    "链接{days}天内有效，仅可使用一次。"),
        "en": ("How did we do?",
               "{number} is closed. Please rate our service in one minute: {link}\n"
               "The link works once, for {days} days."),
    },
    "reopen_proposed": {
        "zh-hans": ("【客服】回访提请重新处理",
                    "工单 {number} 回访时客户表示{said}，请决定是否重新处理。"),
        "en": ("Return visit: reopen proposed",
               "On the return visit for {number} the customer said: {said}. Decide whether "
               "it is handled again."),
    },
    "work_order_rejected": {
        "zh-hans": ("【客服】诉求不予受理", "工单 {number} 不予受理，原因：{reason}"),
        "en": ("Request not accepted", "{number} was not accepted: {reason}"),
    },
    "work_order_handled_again": {
        "zh-hans": ("【客服】工单已重新处理", "您的工单 {number} 已重新开始处理。"),
        "en": ("Work order handled again", "{number} is being handled again."),
    },
    "work_order_reopened": {
        "zh-hans": ("【客服】工单已重新处理", "工单 {number} 已重新进入处理，我们会尽快答复。"),
        "en": ("Work order reopened", "{number} has been reopened and will be handled again."),
    },
    "work_order_withdrawn": {
        "zh-hans": ("【客服】工单已撤销", "工单 {number} 已按您的要求撤销。"),
        "en": ("Work order withdrawn", "{number} was withdrawn as you asked."),
    },
    "sla_warned": {
        "zh-hans": ("【客服】时限预警",
                    "工单 {number} 的「{clock}」将于 {deadline} 到期，请尽快处理。"),
        "en": ("Deadline approaching", "{number}: '{clock}' is due at {deadline}."),
    },
    "sla_breached": {
        "zh-hans": ("【客服】工单超时",
                    "工单 {number} 的「{clock}」已于 {deadline} 超时，已升级督办。"),
        "en": ("Deadline missed", "{number}: '{clock}' was due at {deadline}; escalated."),
    },
    "deadline_extended": {
        "zh-hans": ("【客服】处理时限延长",
                    "工单 {number} 因{reason}，处理时限延长至 {deadline}，感谢您的理解。"),
        "en": ("Deadline extended", "{number}: the deadline moves to {deadline} because {reason}."),
    },
    "login_code": {
        "zh-hans": ("【客服】登录验证码",
                    "您的登录验证码为 {code}，{minutes}分钟内有效。请勿告诉他人。"),
        "en": ("Sign-in code", "Your sign-in code is {code}, valid for {minutes} minutes."),
    },
    "compensation_approval_needed": {
        "zh-hans": ("【客服】补偿待审批", "工单 {number} 的补偿 ¥{amount} 待您审批。"),
        "en": ("Compensation awaits approval", "Compensation of ¥{amount} on {number} awaits you."),
    },
    "article_in_review": {
        "zh-hans": ("【知识库】文章待审核",
                    "知识文章 {article}《{title}》已提交审核，请在审核队列中处理。"),
        "en": ("Article waiting for review",
               "Article {article} \"{title}\" was submitted for review; see the review queue."),
    },
    "article_approved": {
        "zh-hans": ("【知识库】文章已发布",
                    "您编写的知识文章 {article}《{title}》已审核通过并发布。"),
        "en": ("Article published",
               "Your article {article} \"{title}\" was approved and published."),
    },
    "article_rejected": {
        "zh-hans": ("【知识库】文章被驳回",
                    "您编写的知识文章 {article}《{title}》被驳回：{comment}"),
        "en": ("Article rejected", "Your article {article} \"{title}\" was rejected: {comment}"),
    },
    "article_expiring": {
        "zh-hans": ("【知识库】文章即将过期",
                    "知识文章 {article}《{title}》将于 {valid_to} 过期，请及时更新或确认下线。"),
        "en": ("Article about to expire",
               "Article {article} \"{title}\" expires at {valid_to}; update it or let it go."),
    },
}


def render_message(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) for a template; Chinese when the language is unknown."""
    texts = _TEXTS[template]
    subject, body = texts.get(language) or texts["zh-hans"]
    return subject.format(**context), body.format(**context)


def known_templates() -> frozenset[str]:
    return frozenset(_TEXTS)
