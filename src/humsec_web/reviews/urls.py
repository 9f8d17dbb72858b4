from django.urls import path

from humsec_web.reviews import ownership_views, views

urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_create, name="review-create"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/versions/new/", views.version_create, name="review-version-create"),
    path("reviews/versions/<int:pk>/", views.version_detail, name="review-version-detail"),
    path("reviews/versions/<int:pk>/report/", views.version_report, name="review-report"),
    path("reviews/versions/<int:pk>/report.pdf", views.version_pdf, name="review-report-pdf"),
    path("reviews/versions/<int:pk>/brief.pdf", views.version_brief, name="review-brief-pdf"),
    path("reviews/versions/<int:pk>/slides.pptx", views.version_slides, name="review-slides"),
    path("reviews/versions/<int:pk>/tables.zip", views.version_tables, name="review-tables"),
    path("reviews/versions/<int:pk>/rerun/", views.version_rerun, name="review-version-rerun"),
    path("reviews/versions/<int:pk>/publish/", views.version_publish, name="review-version-publish"),
    path("reviews/files/<int:pk>/", views.input_download, name="review-file-download"),
    # national ownership: comment, sign-off, publish (humsec_web.reviews.publication)
    path("publications/<int:pk>/", ownership_views.publication_detail, name="publication-detail"),
    path("publications/<int:pk>/comments/", ownership_views.comment_create, name="publication-comment"),
    path("publications/<int:pk>/<slug:transition>/", ownership_views.publication_move, name="publication-move"),
    path("publications/comments/<int:pk>/resolve/", ownership_views.comment_resolve, name="publication-resolve"),
    path("outlooks/", ownership_views.outlook_list, name="outlook-list"),
    path("outlooks/new/", ownership_views.outlook_create, name="outlook-create"),
    path("outlooks/<int:pk>/", ownership_views.outlook_detail, name="outlook-detail"),
    path("alerts/", ownership_views.alert_list, name="alert-list"),
]
