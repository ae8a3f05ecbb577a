"""Forms of the prevention pages: dashboard scope, review month, action items."""

from datetime import date

from django import forms
from django.utils import timezone

from core.models import Practice, User
from denials.models import Category
from remits.models import Payer

from .models import ActionItem, MonthlySummary
from .rollups import month_start
from .selectors import MAX_MONTHS, add_months


def parse_month(value: str) -> date:
    try:
        return month_start(value)
    except (ValueError, IndexError) as exc:
        raise forms.ValidationError("Enter a month as YYYY-MM.") from exc


class MonthField(forms.Field):
    """A month as YYYY-MM; cleans to the month's first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if len(value) > 10:
            raise forms.ValidationError("Enter a month as YYYY-MM.")
        return parse_month(value) if value else None


class ScopeForm(forms.Form):
    """Which practice, payer and months the numbers cover (no patient data)."""

    practice = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    payer = forms.ModelChoiceField(
        queryset=Payer.objects.filter(canonical__isnull=True),
        required=False,
        empty_label="All payers",
    )
    month_from = MonthField(label="From")
    month_to = MonthField(label="To")

    def __init__(self, *args, practice_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.practice_ids = practice_ids
        # Only payers that appear in the user's own numbers (the summary's payer rows:
        # a few per practice-month, where the fine rollup has hundreds).
        self.fields["payer"].queryset = Payer.objects.filter(
            canonical__isnull=True,
            pk__in=MonthlySummary.objects.filter(
                practice_id__in=practice_ids,
                dimension=MonthlySummary.Dimension.PAYER,
            ).values("payer_id"),
        )
        practices = Practice.objects.filter(pk__in=practice_ids).order_by("name")
        self.fields["practice"].choices = [("", "All my practices")] + [
            (p.pk, p.name) for p in practices
        ]

    def clean(self):
        data = super().clean()
        today = month_start(timezone.localdate())
        end = data.get("month_to") or today
        start = data.get("month_from") or add_months(end, -11)
        if start > end:
            raise forms.ValidationError("The start month comes after the end month.")
        if add_months(start, MAX_MONTHS - 1) < end:
            start = add_months(end, -(MAX_MONTHS - 1))
        data["month_from"], data["month_to"] = start, end
        return data

    def chosen_practice_ids(self) -> list[int]:
        chosen = self.cleaned_data.get("practice")
        return [chosen] if chosen else list(self.practice_ids)


class ActionItemForm(forms.Form):
    root_cause = forms.ModelChoiceField(
        queryset=Category.objects.all(), label="Root cause"
    )
    practice = forms.TypedChoiceField(coerce=int)
    change = forms.CharField(
        label="What will change",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    started_on = forms.DateField(
        label="Takes effect on", widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, practice_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        practices = Practice.objects.filter(pk__in=practice_ids).order_by("name")
        self.fields["practice"].choices = [(p.pk, p.name) for p in practices]
        self.fields["owner"].queryset = (
            User.objects.filter(memberships__practice_id__in=practice_ids)
            .distinct()
            .order_by("username")
        )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)
