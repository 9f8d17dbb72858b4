from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "humsec_web.api"
    label = "api"
    verbose_name = "REST API"
