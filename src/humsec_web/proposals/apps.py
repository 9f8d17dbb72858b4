from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "humsec_web.proposals"
    label = "proposals"
    verbose_name = "Trust-fund proposals"
