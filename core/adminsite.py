from django.contrib import admin

from .models import Role
from .tenancy import user_practice_roles


def is_site_admin(user) -> bool:
    """A superuser, or a user who is admin of at least one practice."""
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or Role.ADMIN in user_practice_roles(user).values()


def admin_practice_ids(user) -> list[int]:
    return [pk for pk, role in user_practice_roles(user).items() if role == Role.ADMIN]


class OverturnAdminSite(admin.AdminSite):
    """The configuration screens: only practice admins (and superusers) get in."""

    site_header = "Overturn administration"
    site_title = "Overturn admin"
    index_title = "Payers, rules, codes, users and practices"

    def has_permission(self, request) -> bool:
        return is_site_admin(request.user)


class RoleModelAdmin(admin.ModelAdmin):
    """Model admin for practice admins; rows with a practice are scoped to theirs."""

    practice_field: str | None = "practice"

    def has_module_permission(self, request) -> bool:
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_site_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return is_site_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_site_admin(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or not self.practice_field:
            return qs
        return qs.filter(
            **{f"{self.practice_field}__in": admin_practice_ids(request.user)}
        )
