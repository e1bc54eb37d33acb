from django.urls import URLPattern

app_name = "mobilize"
urlpatterns: list[URLPattern] = []
