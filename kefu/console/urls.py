from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.console import views

app_name = "console"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", auth_views.LoginView.as_view(template_name="console/login.html"),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("new/", views.intake, name="intake"),
    path("work-orders/<int:wo_id>/", views.detail, name="detail"),
    path("work-orders/<int:wo_id>/transitions/<str:name>/", views.transition,
         name="transition"),
    path("work-orders/<int:wo_id>/assign/", views.assign, name="assign"),
    path("work-orders/<int:wo_id>/notes/", views.note, name="note"),
]
