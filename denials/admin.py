"""Admin configuration: payers, appeal rules, codes, categories, scoring."""

from django import forms
from django.contrib import admin
from django.db import transaction

from core.adminsite import RoleModelAdmin
from remits.models import Payer

from . import services
from .models import (
    AdjustmentRule,
    AppealRule,
    Category,
    CodeMapping,
    Department,
    QueueSettings,
)


class ConfigAdmin(RoleModelAdmin):
    """Site-wide configuration rows (no practice column)."""

    practice_field = None


class AliasInline(admin.TabularInline):
    model = Payer
    fk_name = "canonical"
    fields = ["identifier", "name", "payer_class"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "alias merged into this payer"
    verbose_name_plural = "aliases merged into this payer"

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payer)
class PayerAdmin(ConfigAdmin):
    list_display = ["name", "identifier", "payer_class", "canonical", "has_own_rule"]
    list_filter = ["payer_class"]
    list_editable = ["payer_class"]
    search_fields = ["name", "identifier"]
    autocomplete_fields = ["canonical"]
    fields = ["identifier", "name", "payer_class", "canonical"]
    readonly_fields = ["identifier"]
    inlines = [AliasInline]
    actions = ["merge_into_first"]

    @admin.display(boolean=True, description="Own appeal rule")
    def has_own_rule(self, obj):
        return hasattr(obj, "appeal_rule")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or {"payer_class", "canonical"} & set(form.changed_data):
            ids = [obj.pk] + ([obj.canonical_id] if obj.canonical_id else [])
            services.payer_rules_changed(payer_ids=ids)

    @admin.action(
        description="Merge the selected payers into the first one chosen (oldest)"
    )
    def merge_into_first(self, request, queryset):
        payers = list(queryset.order_by("created_at", "pk"))
        if len(payers) < 2:
            self.message_user(
                request, "Choose at least two payers to merge.", level="error"
            )
            return
        target = payers[0].effective
        with transaction.atomic():
            for payer in payers:
                if payer.pk != target.pk:
                    payer.canonical = target
                    payer.save(update_fields=["canonical"])
            services.payer_rules_changed(payer_ids=[p.pk for p in payers])
        self.message_user(request, f"Merged {len(payers) - 1} payer(s) into {target}.")


class AppealRuleForm(forms.ModelForm):
    class Meta:
        model = AppealRule
        fields = [
            "payer",
            "payer_class",
            "levels",
            "clock_start",
            "timely_filing_days",
            "submission_method",
            "submission_address",
            "source_note",
            "verified",
        ]

    def clean_levels(self):
        levels = self.cleaned_data["levels"]
        if (
            not isinstance(levels, list)
            or not levels
            or not all(
                isinstance(lv, dict)
                and lv.get("name")
                and isinstance(lv.get("days"), int)
                and lv["days"] > 0
                for lv in levels
            )
        ):
            raise forms.ValidationError(
                'Levels must look like [{"name": "Level 1", "days": 180}, …].'
            )
        return levels


@admin.register(AppealRule)
class AppealRuleAdmin(ConfigAdmin):
    list_display = [
        "__str__",
        "payer_class",
        "clock_start",
        "levels_summary",
        "timely_filing_days",
        "verified",
        "updated_at",
    ]
    list_filter = ["verified", "payer_class", "clock_start"]
    search_fields = ["payer__name", "payer_class", "source_note"]
    autocomplete_fields = ["payer"]
    fieldsets = [
        (None, {"fields": ["payer", "payer_class"]}),
        ("Deadlines", {"fields": ["levels", "clock_start", "timely_filing_days"]}),
        ("Where appeals go", {"fields": ["submission_method", "submission_address"]}),
        ("Source", {"fields": ["source_note", "verified"]}),
    ]

    @admin.display(description="Levels")
    def levels_summary(self, obj):
        return ", ".join(
            f"{lv.get('name')} {lv.get('days')}d" for lv in obj.levels or []
        )

    form = AppealRuleForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._rules_changed(obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._rules_changed(obj)

    def _rules_changed(self, obj):
        if obj.payer_id:
            services.payer_rules_changed(payer_ids=[obj.payer_id])
        else:
            services.payer_rules_changed(payer_ids=None)


@admin.register(Department)
class DepartmentAdmin(ConfigAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(ConfigAdmin):
    list_display = ["name", "slug", "department"]
    list_filter = ["department"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(CodeMapping)
class CodeMappingAdmin(ConfigAdmin):
    list_display = ["carc", "group", "rarc", "category"]
    list_filter = ["category", "group"]
    search_fields = ["carc", "rarc"]

    def changelist_view(self, request, extra_context=None):
        from django.urls import reverse

        extra_context = {
            **(extra_context or {}),
            "subtitle": "Codes seen on denials without a mapping: "
            + reverse("denials:uncategorized"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(AdjustmentRule)
class AdjustmentRuleAdmin(ConfigAdmin):
    list_display = ["group", "carc", "kind", "note"]
    list_filter = ["kind", "group"]
    search_fields = ["carc", "note"]


@admin.register(QueueSettings)
class QueueSettingsAdmin(ConfigAdmin):
    list_display = [
        "__str__",
        "overturn_prior",
        "prior_weight",
        "rework_cost",
        "urgency_half_life_days",
        "work_within_days",
    ]

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request) and not QueueSettings.objects.exists()
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.payer_rules_changed(payer_ids=None)
