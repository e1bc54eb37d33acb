from django.urls import URLPattern

app_name = "advocacy"
urlpatterns: list[URLPattern] = []
