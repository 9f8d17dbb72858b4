from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "humsec_web.results"
    label = "results"
    verbose_name = "Results framework"
