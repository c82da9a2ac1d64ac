from django.urls import URLPattern, path

from alerts.views import (
    alert_acknowledge,
    alert_detail,
    alert_evidence,
    alert_handle,
    alert_list,
    alert_rectify,
    alert_resolve,
    dashboard,
    escalations,
    heat_map,
    incident_close,
    incident_list,
    incident_report,
    thresholds,
)

app_name = "alerts"

urlpatterns: list[URLPattern] = [
    path("", alert_list, name="list"),
    path("<int:pk>/", alert_detail, name="detail"),
    path("<int:pk>/evidence/", alert_evidence, name="evidence"),
    path("<int:pk>/acknowledge/", alert_acknowledge, name="acknowledge"),
    path("<int:pk>/handle/", alert_handle, name="handle"),
    path("<int:pk>/resolve/", alert_resolve, name="resolve"),
    path("<int:pk>/rectify/", alert_rectify, name="rectify"),
    path("heat-map/", heat_map, name="heat_map"),
    path("dashboard/", dashboard, name="dashboard"),
    path("thresholds/", thresholds, name="thresholds"),
    path("incidents/", incident_list, name="incidents"),
    path("incidents/new/", incident_report, name="incident_report"),
    path("incidents/<int:pk>/close/", incident_close, name="incident_close"),
    path("escalations/", escalations, name="escalations"),
]
