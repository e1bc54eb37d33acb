from django.urls import URLPattern

app_name = "life"
urlpatterns: list[URLPattern] = []
