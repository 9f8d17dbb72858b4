from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "humsec_web.reviews"
    label = "reviews"
    verbose_name = "Country Human Security Reviews"

    def ready(self) -> None:
        from humsec_web.reviews import signals

        signals.connect()
