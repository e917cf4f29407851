from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.console import views
from kefu.console.auth import StaffLoginView

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("new/", views.intake, name="intake"),
    path("sla/", views.sla_report, name="sla"),
    path("board/", views.board, name="board"),
    path("surveys/", views.surveys_report, name="surveys"),
    path("bulk/", views.bulk, name="bulk"),
    path("export.csv", views.export_csv, name="export"),
    path("find-phone/", views.find_by_phone, name="find_phone"),
    path("views/", views.saved_view, name="saved_view"),
    path("customers/lookup/", views.customer_lookup, name="customer_lookup"),
    path("customers/<int:customer_id>/", views.customer_view, name="customer"),
    path("work-orders/<int:wo_id>/", views.detail, name="detail"),
    path("work-orders/<int:wo_id>/transitions/<str:name>/", views.transition,
         name="transition"),
    path("work-orders/<int:wo_id>/assign/", views.assign, name="assign"),
    path("work-orders/<int:wo_id>/notes/", views.note, name="note"),
    path("work-orders/<int:wo_id>/plans/<int:plan_id>/decision/", views.decide_plan,
         name="decide_plan"),
    path("work-orders/<int:wo_id>/escalate/", views.escalate, name="escalate"),
    path("work-orders/<int:wo_id>/attachments/", views.upload, name="upload"),
    path("work-orders/<int:wo_id>/attachments/<int:attachment_id>/", views.attachment,
         name="attachment"),
    path("work-orders/<int:wo_id>/reveal/", views.reveal, name="reveal"),
    path("work-orders/<int:wo_id>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("work-orders/<int:wo_id>/return-visit/", views.return_visit, name="return_visit"),
    path("work-orders/<int:wo_id>/survey/", views.survey, name="survey"),
    path("work-orders/<int:wo_id>/appeals/", views.appeal, name="appeal"),
    path("work-orders/<int:wo_id>/escalation-requests/", views.escalation_request,
         name="escalation_request"),
    path("work-orders/<int:wo_id>/escalation-requests/<int:request_id>/decision/",
         views.escalation_decision, name="escalation_decision"),
    path("work-orders/<int:wo_id>/subtasks/<int:task_id>/assign/", views.subtask_assign,
         name="subtask_assign"),
    path("work-orders/<int:wo_id>/subtasks/<int:task_id>/complete/", views.subtask_complete,
         name="subtask_complete"),
    path("work-orders/<int:wo_id>/extensions/", views.request_extension,
         name="request_extension"),
    path("work-orders/<int:wo_id>/extensions/<int:extension_id>/decision/",
         views.decide_extension, name="decide_extension"),
]
