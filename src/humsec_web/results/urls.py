"""Results pages and the results API (``/api/results/...``, namespace ``results-api``)."""

from django.urls import include, path, re_path

from humsec_web.results import api, views

urlpatterns = [
    path("results/", views.logframe_list, name="logframe-list"),
    path("results/new/", views.logframe_create, name="logframe-create"),
    path("results/portfolio/", views.portfolio, name="results-portfolio"),
    path("results/<int:pk>/", views.logframe_detail, name="logframe-detail"),
    path("results/<int:pk>/results/", views.result_create, name="result-create"),
    path("results/<int:pk>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("results/<int:pk>/iati-import/", views.iati_import, name="logframe-iati-import"),
    re_path(r"^results/(?P<pk>\d+)/export\.(?P<fmt>csv|xlsx|xml)$", views.logframe_download, name="logframe-download"),
    path("results/indicators/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("results/indicators/<int:pk>/targets/", views.target_create, name="target-create"),
    path("results/indicators/<int:pk>/actuals/", views.actual_create, name="actual-create"),
    path("results/indicators/<int:pk>/from-af/", views.actual_from_af, name="actual-from-af"),
    path("results/actuals/<int:pk>/review/", views.actual_review, name="actual-review"),
    path("results/actuals/<int:pk>/correct/", views.actual_correct, name="actual-correct"),
    path("api/results/", include((api.urlpatterns, "results-api"))),
]
