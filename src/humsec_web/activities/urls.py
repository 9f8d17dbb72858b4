from django.urls import path

from humsec_web.activities import views

urlpatterns = [
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("digests/", views.digest_list, name="digest-list"),
    path("digests/new/", views.digest_create, name="digest-create"),
    path("digests/<int:pk>/", views.digest_detail, name="digest-detail"),
    path("digests/<int:pk>/publish/", views.digest_publish, name="digest-publish"),
    path("digests/<int:pk>/digest.csv", views.digest_download, {"fmt": "csv"}, name="digest-csv"),
    path(
        "digests/<int:pk>/digest.xlsx", views.digest_download, {"fmt": "xlsx"}, name="digest-xlsx"
    ),
]
