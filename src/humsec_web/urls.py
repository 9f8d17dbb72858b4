"""The platform's URLs; every view checks ``humsec_web.permissions`` itself."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from humsec_web.core import views as core_views
from humsec_web.core.language import choose_language

urlpatterns = [
    path("", core_views.home, name="home"),
    path("language/", choose_language, name="choose-language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("humsec_web.activities.urls")),
    path("", include("humsec_web.lessons.urls")),
    path("", include("humsec_web.proposals.urls")),
    path("", include("humsec_web.reviews.urls")),
    path("", include("humsec_web.forum.urls")),
    path("", include("humsec_web.results.urls")),
    path("", include("humsec_web.feedback.urls")),
    path("", include("humsec_web.sharing.urls")),
    path("api/", include("humsec_web.api.urls", namespace="api")),
    path("api/", include("humsec_web.reviews.api_urls", namespace="api-ownership")),
]

handler403 = "humsec_web.api.errors.handler403"
handler404 = "humsec_web.api.errors.handler404"
handler500 = "humsec_web.api.errors.handler500"
