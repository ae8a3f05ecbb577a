"""Monthly rollups the dashboard reads; action items the prevention review tracks."""

from django.conf import settings
from django.db import models

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class Measures(models.Model):
    """The additive measures every rollup row carries (counts and sums only)."""

    # Claims (rows without a category).
    claims_adjudicated = models.PositiveIntegerField(default=0)
    claims_paid_first_pass = models.PositiveIntegerField(default=0)
    charges = models.DecimalField(**MONEY)
    payments = models.DecimalField(**MONEY)
    contractual_adjustments = models.DecimalField(**MONEY)
    # Denials (rows with a category).
    denials = models.PositiveIntegerField(default=0)
    denied_amount = models.DecimalField(**MONEY)
    recovered_amount = models.DecimalField(**MONEY)
    written_off_amount = models.DecimalField(**MONEY)
    # Initial denials: a claim's first denial, duplicates (CARC 18) left out.
    initial_denials = models.PositiveIntegerField(default=0)
    initial_denied_amount = models.DecimalField(**MONEY)
    initial_recovered_amount = models.DecimalField(**MONEY)
    duplicate_denials = models.PositiveIntegerField(default=0)
    appealed = models.PositiveIntegerField(default=0)
    appealed_amount = models.DecimalField(**MONEY)
    appeals_overturned = models.PositiveIntegerField(default=0)
    appeals_overturned_amount = models.DecimalField(**MONEY)
    worked = models.PositiveIntegerField(default=0)
    worked_within_7_days = models.PositiveIntegerField(default=0)
    days_to_appeal_sum = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    days_to_appeal_count = models.PositiveIntegerField(default=0)
    days_to_resolution_sum = models.DecimalField(
        max_digits=14, decimal_places=4, default=0
    )
    days_to_resolution_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class MonthlyRollup(Measures):
    """Additive monthly measures at (practice, month, payer, category, cause, NPI).

    A month is the month of the remittance's payment (or production) date, for
    claims and the denials they carry alike, so rates never mix months. Claim
    measures sit in rows
    whose category and root cause are empty; denial measures in rows that name them.
    Every measure is a count or a sum, so any breakdown is a SUM over rows.
    """

    practice = models.ForeignKey(
        "core.Practice", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="First day of the month.")
    payer = models.ForeignKey(
        "remits.Payer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        "denials.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    root_cause = models.ForeignKey(
        "denials.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rendering_npi = models.CharField(max_length=20, blank=True)

    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Every dashboard query: the user's practices over a range of months.
            models.Index(fields=["practice", "month"], name="rollup_practice_month"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.month:%Y-%m} payer={self.payer_id}"


MEASURES = [
    f.name
    for f in MonthlyRollup._meta.local_fields
    if isinstance(f, models.PositiveIntegerField | models.DecimalField)
]


class MonthlySummary(Measures):
    """The fine rollup of a practice-month summed along one dimension at a time.

    Per practice-month: one `total` row, one row per payer, per category, per root
    cause and per rendering NPI, each the sum of that practice-month's MonthlyRollup
    rows with that key (the column of the dimension is set; the others are empty).
    It is rewritten with the fine rows in the same transaction, so it always equals
    their sums. The dashboard reads it whenever no payer is chosen: 24 months of
    every practice are then a few thousand rows instead of the fine table's 100,000+.
    """

    class Dimension(models.TextChoices):
        # The whole practice-month (the monthly trend and the totals).
        TOTAL = "total", "Total"
        # One payer (the payer breakdown; an empty payer is "unknown payer").
        PAYER = "payer", "Payer"
        # One denial category (the empty category carries the claims' measures).
        CATEGORY = "category", "Category"
        # One root cause (the empty root cause carries the claims' measures).
        ROOT_CAUSE = "root_cause", "Root cause"
        # One rendering provider NPI.
        PROVIDER = "provider", "Rendering provider"

    practice = models.ForeignKey(
        "core.Practice", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="First day of the month.")
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    payer = models.ForeignKey(
        "remits.Payer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        "denials.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    root_cause = models.ForeignKey(
        "denials.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    rendering_npi = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            # The dashboard without a payer: the user's practices over a month range.
            models.Index(
                fields=["practice", "month", "dimension"],
                name="summary_practice_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.month:%Y-%m} {self.dimension}"


# Which key column each summary dimension sets.
SUMMARY_KEYS: dict[str, str | None] = {
    MonthlySummary.Dimension.TOTAL: None,
    MonthlySummary.Dimension.PAYER: "payer_id",
    MonthlySummary.Dimension.CATEGORY: "category_id",
    MonthlySummary.Dimension.ROOT_CAUSE: "root_cause_id",
    MonthlySummary.Dimension.PROVIDER: "rendering_npi",
}


class ActionItem(models.Model):
    """A change a department commits to so that a root cause stops recurring."""

    class Status(models.TextChoices):
        # Agreed; the change is being made.
        OPEN = "open", "Open"
        # The change is in place.
        DONE = "done", "Done"
        # Abandoned; kept so the review shows what was tried.
        DROPPED = "dropped", "Dropped"

    practice = models.ForeignKey(
        "core.Practice", on_delete=models.CASCADE, related_name="+"
    )
    root_cause = models.ForeignKey(
        "denials.Category", on_delete=models.PROTECT, related_name="action_items"
    )
    change = models.TextField("what will change")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_on = models.DateField(
        help_text="When the change takes effect; before/after counts pivot here."
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "root_cause"], name="action_practice_cause"
            )
        ]

    def __str__(self) -> str:
        return f"{self.root_cause}: {self.change[:60]}"
