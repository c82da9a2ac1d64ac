from django.urls import URLPattern, path

from notifications.views import (
    badge,
    notification_list,
    notification_read,
    notification_read_all,
    preferences,
)

app_name = "notifications"

urlpatterns: list[URLPattern] = [
    path("", notification_list, name="list"),
    path("<int:pk>/read/", notification_read, name="read"),
    path("badge/", badge, name="badge"),
    path("read-all/", notification_read_all, name="read_all"),
    path("settings/", preferences, name="preferences"),
]
