from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "humsec_web.sharing"
    label = "sharing"
    verbose_name = "Datasets and sharing terms"
