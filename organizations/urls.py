from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]
