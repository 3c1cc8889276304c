from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "atlas.catalogue"
    label = "catalogue"
