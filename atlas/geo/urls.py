from django.urls import path

from atlas.geo import views

app_name = "geo"
urlpatterns = [
    path("map/", views.world_map, name="map"),
    path("map/data.json", views.world_map_json, name="map_json"),
    path("map/countries/<str:code>.json", views.country_json, name="country_json"),
]
