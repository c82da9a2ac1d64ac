from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_create, name="create"),
    path("import/", views.scheme_import, name="import"),
    path("<int:pk>/", views.scheme_detail, name="detail"),
    path("<int:pk>/validate/", views.scheme_validate, name="validate"),
    path("<int:pk>/publish/", views.scheme_publish, name="publish"),
    path("<int:pk>/retire/", views.scheme_retire, name="retire"),
    path("<int:pk>/new-version/", views.scheme_new_version, name="new_version"),
    path("<int:pk>/delete/", views.scheme_delete, name="delete"),
    path("<int:pk>/export/", views.scheme_export, name="export"),
    path("<int:pk>/weights/", views.scheme_weights, name="weights"),
    path("<int:pk>/preview/", views.scheme_preview, name="preview"),
    path("<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("<int:pk>/indicators/<int:item>/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/indicators/<int:item>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:pk>/adjustments/new/", views.adjustment_create, name="adjustment_create"),
    path(
        "<int:pk>/adjustments/<int:item>/delete/",
        views.adjustment_delete,
        name="adjustment_delete",
    ),
    path("<int:pk>/vetoes/new/", views.veto_create, name="veto_create"),
    path("<int:pk>/vetoes/<int:item>/delete/", views.veto_delete, name="veto_delete"),
    path("<int:pk>/special/", views.special_indicators, name="special"),
    path(
        "<int:pk>/special/<int:choice>/withdraw/", views.special_withdraw, name="special_withdraw"
    ),
]
