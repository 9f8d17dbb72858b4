from django.urls import path

from humsec_web.feedback import views

urlpatterns = [
    path("feedback/", views.feedback_list, name="feedback-list"),
    path("feedback/new/", views.feedback_create, name="feedback-create"),
    path("feedback/summary/", views.feedback_summary, name="feedback-summary"),
    path("feedback/export.csv", views.feedback_export, name="feedback-export"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
    path("feedback/<int:pk>/edit/", views.feedback_edit, name="feedback-edit"),
]
