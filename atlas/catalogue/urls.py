from django.urls import path

from atlas.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("tools/", views.tool_list, name="tool_list"),
    path("tools.json", views.tool_list_json, name="tool_list_json"),
    path("tools/<slug:slug>/", views.tool_detail, name="tool_detail"),
    path("tools/<slug:slug>.json", views.tool_detail_json, name="tool_detail_json"),
    path("compare/", views.compare, name="compare"),
    path("finder/", views.finder, name="finder"),
    path("compare.json", views.compare_json, name="compare_json"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]
