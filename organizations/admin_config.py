from django.contrib.admin.apps import AdminConfig


class KaopingAdminConfig(AdminConfig):
    """Django's admin, on Kaoping's site (which lets tenant administrators in)."""

    default_site = "organizations.admin_site.KaopingAdminSite"
