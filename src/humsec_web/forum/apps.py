from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "humsec_web.forum"
    label = "forum"
    verbose_name = "Forum"
