from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "atlas.geo"
    label = "geo"
