from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kefu.api.routes import api
from kefu.console.auth import admin_sign_in
from kefu.portal.faq import article_image

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:queue", permanent=False)),
    path("admin/login/", admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("console/", include("kefu.console.urls")),
    path("portal/", include("kefu.portal.urls")),
    # Pictures in articles, for the console and the portal alike (kefu.knowledge.content).
    path("knowledge/images/<int:image_id>", article_image, name="article_image"),
    path("i18n/", include("django.conf.urls.i18n")),
]
