from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "humsec_web.lessons"
    label = "lessons"
    verbose_name = "Lessons learned and good practices"

    def ready(self) -> None:
        from humsec_web.lessons import signals  # noqa: F401  (keeps the search index in step)
