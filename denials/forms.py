"""Forms of the denials app: the queue filter (shared by the page, export and API)."""

from decimal import Decimal

from django import forms

from core.models import Membership
from remits.models import Payer

from .models import Category, Denial, Department

STATUS_CHOICES = [
    ("open", "Open (all unresolved)"),
    ("all", "All"),
    ("resolved", "Resolved"),
    *Denial.Status.choices,
]
DEADLINE_CHOICES = [
    ("", "Any deadline"),
    ("7", "7 days or less"),
    ("14", "14 days or less"),
    ("30", "30 days or less"),
    ("expired", "Expired"),
    ("none", "No deadline / no appeal rights"),
]
AGE_CHOICES = [
    ("", "Any age"),
    ("fresh", "Posted in the last 7 days"),
    ("overdue", "Over 7 days, not yet worked"),
    ("30", "Posted over 30 days ago"),
    ("90", "Posted over 90 days ago"),
]
WRITE_OFF_CHOICES = [
    ("", "Any"),
    ("yes", "Flagged for write-off review"),
    ("no", "Not flagged"),
]
SORT_CHOICES = [
    ("priority", "Priority (highest first)"),
    ("deadline", "Deadline (soonest first)"),
    ("amount", "Amount (largest first)"),
    ("age", "Age (oldest first)"),
]


def reference_choices(name: str) -> list:
    """Payer or category choices as plain tuples (one small query, no cursor)."""
    if name == "payer":
        rows = Payer.objects.filter(canonical__isnull=True).order_by("name")
    else:
        rows = Category.objects.order_by("name")
    return list(rows.values_list("pk", "name"))


class DenialFilterForm(forms.Form):
    """What narrows the queue. None of these fields carries patient data."""

    practice = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    # Plain choices: a ModelChoiceField would open a server-side cursor per render.
    payer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    assignee = forms.CharField(required=False, max_length=20)
    amount_min = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        label="Amount from",
    )
    amount_max = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        label="Amount to",
    )
    deadline = forms.ChoiceField(choices=DEADLINE_CHOICES, required=False)
    age = forms.ChoiceField(choices=AGE_CHOICES, required=False)
    write_off = forms.ChoiceField(
        choices=WRITE_OFF_CHOICES, required=False, label="Write-off review"
    )
    root_cause = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Root cause"
    )
    department = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    rendering_npi = forms.RegexField(
        regex=r"^\d{10}$",
        required=False,
        label="Rendering NPI",
        error_messages={"invalid": "An NPI is 10 digits."},
    )
    remit_from = forms.DateField(required=False, label="Remit date from")
    remit_to = forms.DateField(required=False, label="Remit date to")
    ordering = forms.ChoiceField(choices=SORT_CHOICES, required=False, label="Sort by")
    after = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    # Field names, in order; what the export and the API document.
    FILTER_FIELDS = (
        "practice",
        "payer",
        "category",
        "status",
        "assignee",
        "amount_min",
        "amount_max",
        "deadline",
        "age",
        "write_off",
        "root_cause",
        "department",
        "rendering_npi",
        "remit_from",
        "remit_to",
        "ordering",
    )

    def __init__(self, *args, user=None, practice_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.models import Practice

        self.practice_ids = list(practice_ids or [])
        practices = Practice.objects.filter(pk__in=self.practice_ids).order_by("name")
        self.fields["practice"].choices = [("", "All my practices")] + [
            (p.pk, p.name) for p in practices
        ]
        self.fields["payer"].choices = [("", "Any payer")] + reference_choices("payer")
        self.fields["category"].choices = [("", "Any category")] + reference_choices(
            "category"
        )
        self.fields["root_cause"].choices = [("", "Any root cause")] + (
            reference_choices("category")
        )
        self.fields["department"].choices = [("", "Any department")] + list(
            Department.objects.order_by("name").values_list("pk", "name")
        )
        self.user = user

    def clean_ordering(self):
        value = self.cleaned_data.get("ordering") or "priority"
        # The API spells the default "-priority"; accept both spellings.
        return value.lstrip("-")

    def clean_assignee(self):
        value = (self.cleaned_data.get("assignee") or "").strip()
        if value in ("", "me", "none"):
            return value
        if not value.isdigit():
            raise forms.ValidationError("Use me, none or a user id.")
        if not Membership.objects.filter(
            user_id=int(value), practice_id__in=self.practice_ids
        ).exists():
            raise forms.ValidationError("No such user in your practices.")
        return value

    def clean(self):
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", "Must not be less than the lower amount.")
        start, end = data.get("remit_from"), data.get("remit_to")
        if start and end and start > end:
            self.add_error("remit_to", "Must not be before the start date.")
        return data


class SearchForm(forms.Form):
    """Search by patient name, account number or payer claim number (sent by POST)."""

    q = forms.CharField(
        max_length=100,
        min_length=2,
        label="Search patient, account or claim number",
        strip=True,
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Denial.Status.choices)
    note = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class NoteForm(forms.Form):
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class RootCauseForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all())
