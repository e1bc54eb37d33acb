from django.urls import URLPattern

app_name = "improve"
urlpatterns: list[URLPattern] = []
