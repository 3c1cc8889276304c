from django.urls import path

from atlas.insights import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.insights, name="index"),
    path("insights/data.json", views.insights_json, name="json"),
    path("insights/coverage.csv", views.coverage_csv, name="coverage_csv"),
    path("insights/coverage/<slug:region>/", views.coverage_region, name="coverage_region"),
    path("insights/coverage/<slug:region>.csv", views.coverage_csv, name="coverage_region_csv"),
    path("insights/<slug:slug>.csv", views.chart_csv, name="chart_csv"),
]
