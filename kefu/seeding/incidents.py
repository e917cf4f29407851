"""Demo incidents: one being handled within its notice deadline, one whose notice is late
and whose report still lacks what the notice needs, and a drill that went through to its
review."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.incidents.actions import (
    IncidentReport,
    IncidentReview,
    NoticeInput,
    close_incident,
    issue_notice,
    recover_incident,
    report_incident,
)
from kefu.orgs.actors import Actor


def seed_demo_incidents(supervisor: Actor, district_id: int) -> None:
    now = timezone.now()
    report_incident(actor=supervisor, report=IncidentReport(
        title="天河区部分小区宽带中断", kind="network_failure", level=2,
        place="天河区体育西路、石牌街道", occurred_at=now - timedelta(minutes=40),
        detected_at=now - timedelta(minutes=30), affected_customers=4200,
        affected_scope="约 4,200 户家庭宽带", initial_cause="OLT 设备主控板故障",
        measures="已派维护人员到场更换主控板", expected_recovery_at=now + timedelta(hours=2),
        further_impact="恢复前受影响用户无法上网，IPTV 同时中断；恢复后需重新拨号",
        unit_id=district_id))
    report_incident(actor=supervisor, report=IncidentReport(
        title="短信营业厅查询超时", kind="service_outage", level=3, place="广州市全市",
        occurred_at=now - timedelta(hours=6), detected_at=now - timedelta(hours=5, minutes=30),
        affected_scope="发送查询短信的客户", initial_cause="短信网关接口超时"))
    drill = report_incident(actor=supervisor, report=IncidentReport(
        title="核心网断电应急演练", kind="network_failure", level=1, place="广州市分公司机房",
        occurred_at=now - timedelta(minutes=90), detected_at=now - timedelta(minutes=90),
        affected_customers=0, affected_scope="演练，无实际影响", initial_cause="模拟市电中断",
        measures="切换油机供电", expected_recovery_at=now - timedelta(minutes=30),
        further_impact="演练，无后续影响", is_drill=True))
    issue_notice(actor=supervisor, incident_id=drill.pk, notice=NoticeInput(
        "superior", ("email", "document"), "【演练】核心网机房市电中断，已切换油机供电。"))
    recover_incident(actor=supervisor, incident_id=drill.pk, note="市电恢复，切回市电供电")
    close_incident(actor=supervisor, incident_id=drill.pk, review=IncidentReview(
        root_cause="演练：模拟市电中断", corrective_actions="油机切换时间由 8 分钟缩短到 5 分钟的"
        "改进措施已列入计划", compensation_summary="演练，无客户受影响，不涉及补偿",
        lessons_learned="油机启动前的负载切换步骤需写入值班手册，并每季度复核一次"))
