from django.urls import path

from humsec_web.reviews import views

urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/versions/new/", views.version_create, name="review-version-create"),
    path("reviews/versions/<int:pk>/", views.version_detail, name="review-version-detail"),
    path("reviews/versions/<int:pk>/report/", views.version_report, name="review-report"),
    path("reviews/versions/<int:pk>/report.pdf", views.version_pdf, name="review-report-pdf"),
    path("reviews/versions/<int:pk>/tables.zip", views.version_tables, name="review-tables"),
    path("reviews/versions/<int:pk>/rerun/", views.version_rerun, name="review-version-rerun"),
    path("reviews/versions/<int:pk>/publish/", views.version_publish, name="review-version-publish"),
    path("reviews/files/<int:pk>/", views.input_download, name="review-file-download"),
]
