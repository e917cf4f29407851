from django.urls import path

from kefu.portal import faq, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("new/", views.submit, name="new"),
    path("faq/", faq.faq, name="faq"),
    path("faq/<int:article_id>/", faq.faq_article, name="faq_article"),
    path("faq/<int:article_id>/solved/", faq.faq_solved, name="faq_solved"),
    path("faq/<int:article_id>/unhelpful/", faq.faq_unhelpful, name="faq_unhelpful"),
    path("orders/<int:wo_id>/", views.detail, name="detail"),
    path("orders/<int:wo_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("orders/<int:wo_id>/survey/", views.answer_survey, name="answer_survey"),
    path("orders/<int:wo_id>/appeal/", views.appeal, name="appeal"),
    path("orders/<int:wo_id>/<str:name>/", views.act, name="act"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
