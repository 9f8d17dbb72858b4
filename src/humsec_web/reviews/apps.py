from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "humsec_web.reviews"
    label = "reviews"
    verbose_name = "Country Human Security Reviews"
