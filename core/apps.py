from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Practices, users and audit"


class OverturnAdminConfig(AdminConfig):
    default_site = "core.adminsite.OverturnAdminSite"
