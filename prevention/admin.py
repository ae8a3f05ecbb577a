from django.contrib import admin

from core.adminsite import RoleModelAdmin

from .models import ActionItem, MonthlyRollup


@admin.register(ActionItem)
class ActionItemAdmin(RoleModelAdmin):
    list_display = [
        "root_cause",
        "practice",
        "change",
        "owner",
        "started_on",
        "due_date",
        "status",
    ]
    list_filter = ["status", "root_cause", "practice"]
    search_fields = ["change"]
    raw_id_fields = ["owner", "created_by"]


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(RoleModelAdmin):
    """Read-only: rollups are rebuilt from raw rows, never edited."""

    list_display = [
        "practice",
        "month",
        "payer",
        "category",
        "rendering_npi",
        "claims_adjudicated",
        "denials",
        "denied_amount",
    ]
    list_filter = ["month", "practice"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
