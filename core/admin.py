from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .adminsite import RoleModelAdmin, admin_practice_ids
from .models import AuditEvent, Membership, Practice, User, WorkerHeartbeat


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["practice"]

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: True
    )


@admin.register(User)
class UserAdmin(RoleModelAdmin, DjangoUserAdmin):
    practice_field = None
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            memberships__practice__in=admin_practice_ids(request.user)
        ).distinct()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only superusers grant superuser or staff status.
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        f
                        for f in opts["fields"]
                        if f
                        not in {
                            "is_superuser",
                            "is_staff",
                            "groups",
                            "user_permissions",
                        }
                    ],
                },
            )
            for name, opts in fieldsets
        ]


@admin.register(Practice)
class PracticeAdmin(RoleModelAdmin):
    practice_field = "pk"
    list_display = ["name", "tin", "npis"]
    search_fields = ["name", "tin"]


@admin.register(AuditEvent)
class AuditEventAdmin(RoleModelAdmin):
    practice_field = "practice_id"
    list_display = [
        "at",
        "actor_username",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "client_ip",
    ]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_username", "object_id", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(RoleModelAdmin):
    practice_field = None
    list_display = ["hostname", "last_seen", "beats"]
