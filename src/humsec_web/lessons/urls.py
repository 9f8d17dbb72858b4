from django.urls import path

from humsec_web.lessons import views

urlpatterns = [
    path("lessons/", views.lesson_list, name="lesson-list"),
    path("lessons/new/", views.lesson_create, name="lesson-create"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson-detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/publish/", views.lesson_publish, name="lesson-publish"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
]
