from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from core.adminsite import RoleModelAdmin

from . import letters
from .models import Appeal, EvidenceChecklist, LetterTemplate, Notification


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "action", "category", "level_index", "body", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 28, "cols": 90})}

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            letters.validate(body)
        except letters.LetterTemplateError as exc:
            raise forms.ValidationError(str(exc)) from None
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(RoleModelAdmin):
    """Admins edit templates; the preview shows the saved text with sample data."""

    practice_field = None
    form = LetterTemplateForm
    list_display = ["name", "action", "category", "level_index", "active", "updated_at"]
    list_filter = ["action", "active", "category"]
    search_fields = ["name", "body"]
    readonly_fields = ["merge_fields", "preview"]
    fields = [
        "name",
        "action",
        "category",
        "level_index",
        "active",
        "body",
        "merge_fields",
        "preview",
    ]

    @admin.display(description="Merge fields you can use")
    def merge_fields(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{{{{ {} }}}}</code>: {}</li>",
                letters.MERGE_FIELDS.items(),
            ),
        )

    @admin.display(description="Preview (sample data, saved text)")
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "Save to see a preview."
        try:
            text = letters.preview(obj.body)
        except letters.LetterTemplateError as exc:
            return format_html('<p class="errornote">{}</p>', str(exc))
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(EvidenceChecklist)
class EvidenceChecklistAdmin(RoleModelAdmin):
    practice_field = None
    list_display = ["category", "item_count"]

    @admin.display(description="Items")
    def item_count(self, obj):
        return len(obj.items or [])


@admin.register(Appeal)
class AppealAdmin(RoleModelAdmin):
    """Read-only view for admins; appeals are worked on the appeal pages."""

    list_display = [
        "pk",
        "practice",
        "action",
        "level_name",
        "status",
        "deadline",
        "amount_recovered",
    ]
    list_filter = ["status", "action"]
    readonly_fields = [f.name for f in Appeal._meta.fields]
    exclude = ["denials"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(RoleModelAdmin):
    list_display = ["sent_at", "user", "kind", "appeal", "read_at", "emailed_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
