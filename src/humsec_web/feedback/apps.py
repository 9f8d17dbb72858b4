from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "humsec_web.feedback"
    label = "feedback"
    verbose_name = "Feedback and complaints"
