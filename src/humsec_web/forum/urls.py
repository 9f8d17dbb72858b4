from django.urls import path

from humsec_web.forum import views

urlpatterns = [
    path("forum/", views.index, name="forum-index"),
    path("forum/topics/<slug:slug>/", views.topic, name="forum-topic"),
    path("forum/topics/<slug:slug>/new/", views.thread_create, name="forum-thread-create"),
    path("forum/threads/<int:pk>/", views.thread, name="forum-thread"),
    path("forum/threads/<int:pk>/reply/", views.thread_reply, name="forum-reply"),
    path("forum/threads/<int:pk>/follow/", views.thread_follow, name="forum-follow"),
    path("forum/threads/<int:pk>/lock/", views.thread_lock, name="forum-lock"),
]
