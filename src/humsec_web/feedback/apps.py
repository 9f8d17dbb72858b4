from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "humsec_web.feedback"
    label = "feedback"
    verbose_name = "Feedback and complaints"

    def ready(self) -> None:
        # the app declares its rules and API routes itself; they join the platform's one rule table
        # (humsec_web.permissions.RULES) and the /api/ namespace, so every check and the per-URL x
        # per-role access test see them like the others
        from humsec_web.feedback import api, rules

        rules.register()
        api.register()
