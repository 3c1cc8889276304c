from django.urls import path

from atlas.helplines import views

app_name = "helplines"
urlpatterns = [
    path("", views.helpline_index, name="index"),
    path("<str:code>/", views.helpline_country, name="country"),
]
