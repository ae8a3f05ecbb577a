"""The denial work queue: categories, payer appeal rules, denials and their timeline."""

from django.conf import settings
from django.db import models


class Department(models.Model):
    """A team that can fix a root cause (registration, scheduling, coding…)."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A denial category, which doubles as the root cause a biller confirms."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="categories"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


UNCATEGORIZED = "uncategorized"


class CodeMapping(models.Model):
    """CARC (then group, then RARC) → category. Blank group or RARC matches any."""

    carc = models.CharField("CARC", max_length=5)
    group = models.CharField(max_length=2, blank=True)
    rarc = models.CharField("RARC", max_length=8, blank=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="mappings")

    class Meta:
        ordering = ["carc", "group", "rarc"]
        constraints = [
            models.UniqueConstraint(
                fields=["carc", "group", "rarc"], name="codemapping_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group or '*'}-{self.carc} {self.rarc or ''} → {self.category}"


class AdjustmentRule(models.Model):
    """How a CAS group + CARC counts: denial, contractual, patient share or information."""

    class Kind(models.TextChoices):
        # Money the payer refused that may be recoverable: goes to the queue.
        DENIAL = "denial", "Denial"
        # Contractual write-down (CO-45 and the like): not a denial.
        CONTRACTUAL = "contractual", "Contractual"
        # Deductible, coinsurance, copay: billed to the patient, not a denial.
        PATIENT = "patient", "Patient share"
        # Prior-payer impact and similar: shown, never counted.
        INFORMATIONAL = "informational", "Informational"

    group = models.CharField(max_length=2)
    carc = models.CharField(
        "CARC", max_length=5, help_text="A code, or * for every code of the group."
    )
    kind = models.CharField(max_length=15, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["group", "carc"]
        constraints = [
            models.UniqueConstraint(fields=["group", "carc"], name="adjustmentrule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group}-{self.carc}: {self.get_kind_display()}"


class AppealRule(models.Model):
    """A payer's (or payer class's) appeal levels, clock and where appeals go."""

    class ClockStart(models.TextChoices):
        REMIT_DATE = "remit_date", "Remit date"
        # Medicare presumes receipt five days after the remit date.
        REMIT_PLUS_5 = "remit_plus_5", "Remit date + 5 days (presumed receipt)"
        SERVICE_DATE = "service_date", "Date of service"
        # UnitedHealthcare counts from the original EOB date.
        ORIGINAL_EOB = "original_eob", "Original EOB / first remit date"

    payer = models.OneToOneField(
        "remits.Payer", null=True, blank=True, on_delete=models.CASCADE,
        related_name="appeal_rule",
    )
    payer_class = models.CharField(
        max_length=20, blank=True,
        help_text="Default for every payer of this class when the payer has no rule.",
    )
    levels = models.JSONField(
        default=list, help_text='e.g. [{"name": "Redetermination", "days": 120}, …]'
    )
    clock_start = models.CharField(
        max_length=15, choices=ClockStart.choices, default=ClockStart.REMIT_DATE
    )
    timely_filing_days = models.PositiveIntegerField(null=True, blank=True)
    submission_method = models.CharField(max_length=60, blank=True)
    submission_address = models.TextField(blank=True, help_text="Address, fax or portal.")
    source_note = models.TextField(blank=True)
    verified = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payer_class"], condition=models.Q(payer__isnull=True),
                name="appealrule_one_default_per_class",
            ),
            models.CheckConstraint(
                condition=models.Q(payer__isnull=False) | ~models.Q(payer_class=""),
                name="appealrule_payer_or_class",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal rule for {self.payer or self.payer_class}"


class Denial(models.Model):
    """One denied claim: a work item on the queue."""

    class Status(models.TextChoices):
        # Posted from an 835; nobody has started on it.
        NEW = "new", "New"
        # A biller is working it.
        IN_PROGRESS = "in_progress", "In progress"
        # An appeal, reconsideration or reopening went to the payer.
        APPEALED = "appealed", "Appealed"
        # A corrected claim (frequency 7/8) went to the payer.
        CORRECTED_SENT = "corrected_sent", "Corrected claim sent"
        # Waiting on the payer for something other than an appeal.
        PENDING_PAYER = "pending_payer", "Pending payer"
        # Resolved: the payer paid (amount recorded).
        RECOVERED = "recovered", "Resolved: recovered"
        # Resolved: the balance was written off (reason recorded).
        WRITTEN_OFF = "written_off", "Resolved: written off"
        # Resolved: nothing to do (e.g. billed to the next payer).
        NO_ACTION = "no_action", "Resolved: no action needed"

    OPEN_STATUSES = ("new", "in_progress", "appealed", "corrected_sent", "pending_payer")
    RESOLVED_STATUSES = ("recovered", "written_off", "no_action")

    class Kind(models.TextChoices):
        FULL = "full", "Full denial (CLP02 = 4)"
        ZERO_PAY = "zero_pay", "Zero-pay claim"
        LINE = "line", "Line-level denial"
        PARTIAL = "partial", "Partial denial"

    # No single-column indexes on practice, payer or category: every query that filters
    # on practice or payer has an index led by it (below), and category is filtered
    # only with the practice. Each index costs every rescore a write per changed row.
    practice = models.ForeignKey(
        "core.Practice", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    payer = models.ForeignKey(
        "remits.Payer", null=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    claim = models.OneToOneField(
        "remits.ClaimPayment", on_delete=models.PROTECT, related_name="denial"
    )
    account_number = models.CharField(max_length=50)
    payer_claim_number = models.CharField(max_length=50, blank=True)
    patient_name = models.CharField(max_length=170, blank=True)
    rendering_npi = models.CharField(max_length=20, blank=True)
    service_date = models.DateField(null=True, blank=True)
    remit_date = models.DateField(null=True, blank=True)
    posted_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    billed_amount = models.DecimalField(max_digits=12, decimal_places=2)
    denied_amount = models.DecimalField(max_digits=12, decimal_places=2)
    recovered_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    written_off_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    codes = models.JSONField(default=list, help_text='e.g. ["CO-197", "N54"]')
    group_code = models.CharField(max_length=2, blank=True)
    carc = models.CharField("primary CARC", max_length=5, blank=True)
    rarc = models.CharField("primary RARC", max_length=8, blank=True)
    denied_lines = models.JSONField(default=list)
    reason = models.TextField(help_text="Why this is a denial, in words.")
    category = models.ForeignKey(
        Category, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    root_cause = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Suggested from the codes until a biller confirms it.",
    )
    root_cause_confirmed = models.BooleanField(default=False)
    # The claim's first denial; a repeat denial points at the earlier one.
    is_initial = models.BooleanField(default=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats",
        db_index=False,
    )
    # Duplicate-claim denials (CARC 18) stay on the queue but out of denial rates.
    excluded_from_rates = models.BooleanField(default=False)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_worked_at = models.DateTimeField(null=True, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    appeal_deadline = models.DateField(null=True, blank=True)
    no_appeal_rights = models.BooleanField(default=False)
    deadline_note = models.CharField(max_length=300, blank=True)
    # The score itself (priority, its parts, write-off review) lives in DenialScore:
    # a rescore rewrites those narrow rows, not this wide one with its many indexes.
    # Set once this denial went to an appeal; its resolution then teaches the scoring.
    was_appealed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-score__priority", "id"]
        indexes = [
            # The queue sorted by deadline (soonest first) and by amount (largest first).
            models.Index(
                fields=["practice", "appeal_deadline", "id"], name="denial_open_deadline",
                condition=models.Q(status__in=["new", "in_progress", "appealed",
                                               "corrected_sent", "pending_payer"]),
            ),
            models.Index(
                fields=["practice", "-denied_amount", "-id"], name="denial_open_amount",
                condition=models.Q(status__in=["new", "in_progress", "appealed",
                                               "corrected_sent", "pending_payer"]),
            ),
            # A later 835 paying a denied claim, and repeat-denial linking.
            models.Index(fields=["practice", "account_number"], name="denial_account"),
            models.Index(fields=["payer", "payer_claim_number"], name="denial_payer_icn"),
            # Monthly rollups by posting date.
            models.Index(fields=["practice", "posted_at"], name="denial_posted"),
            # "Assigned to me / to someone" filters, and a user's deletion (SET NULL):
            # only assigned rows are in it, so rescoring unassigned rows skips it.
            models.Index(
                fields=["assignee"], name="denial_assigned",
                condition=models.Q(assignee__isnull=False),
            ),
            # A repeat denial's link (and deleting the earlier one): only repeats.
            models.Index(
                fields=["previous"], name="denial_repeat_of",
                condition=models.Q(previous__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Denial {self.pk} {self.account_number} {self.denied_amount}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("denials:detail", args=[self.pk])

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        """Reload the row and, on a full reload, its score (as when it was a column)."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None:
            self._state.fields_cache.pop("score", None)
            self._score_value("priority", None)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_unclaimed(self) -> bool:
        return self.status == self.Status.NEW and self.assignee_id is None

    # The score's fields, read through its row (select_related("score") avoids a
    # query per denial); a denial not scored yet reads as priority 0.
    def _score_value(self, name: str, default):
        try:
            return getattr(self.score, name)
        except DenialScore.DoesNotExist:
            return default

    @property
    def priority(self):
        from decimal import Decimal

        return self._score_value("priority", Decimal(0))

    @property
    def priority_parts(self) -> dict:
        return self._score_value("priority_parts", {})

    @property
    def priority_explanation(self) -> str:
        """The score's line without the days left.

        Rendered from the parts (a rescore does not store it: formatting a million
        lines cost more than the rest of the write); a stored line remains only for
        parts from before rework_cost was a part.
        """
        from django.utils import timezone

        from .scoring import explain

        stored = self._score_value("priority_explanation", "")
        parts = self.priority_parts or {}
        if stored or "rework_cost" not in parts:
            return stored
        deadline = self.appeal_deadline
        days_left = None if deadline is None else (deadline - timezone.localdate()).days
        return explain(
            denied_amount=self.denied_amount, parts=parts, days_left=days_left,
            no_appeal_rights=self.no_appeal_rights, with_days=False,
        )

    @property
    def write_off_review(self) -> bool:
        return self._score_value("write_off_review", False)

    @property
    def scored_at(self):
        return self._score_value("scored_at", None)

    @property
    def score_explanation(self) -> str:
        """The score's parts in one line, with the days left as of today."""
        from django.utils import timezone

        return self.explanation_on(timezone.localdate())

    def explanation_on(self, today) -> str:
        """The score's parts in one line, with the days left on `today`.

        The days left are not stored (they change every day); they come from the
        deadline here. Parts stored before rework_cost was a part fall back to the
        stored line.
        """
        from .scoring import explain

        parts = self.priority_parts or {}
        if "rework_cost" not in parts:
            return self._score_value("priority_explanation", "")
        days_left = (
            None if self.appeal_deadline is None else (self.appeal_deadline - today).days
        )
        return explain(
            denied_amount=self.denied_amount, parts=parts, days_left=days_left,
            no_appeal_rights=self.no_appeal_rights,
        )


class DenialScore(models.Model):
    """A denial's priority score: the narrow, volatile row a rescore rewrites.

    Kept apart from the wide denial row so that a rescore of a million denials writes
    small tuples through three indexes, not ~800-byte ones through ten. It carries the
    queue's sort index, so the mirrors of the denial's state that the queue and "next"
    filter on (open; new and unassigned) are kept here too, by the services that change
    that state.
    """

    denial = models.OneToOneField(
        Denial, primary_key=True, on_delete=models.CASCADE, related_name="score"
    )
    # The denial's practice, copied: the queue's index is led by it.
    practice = models.ForeignKey(
        "core.Practice", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    priority = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    priority_parts = models.JSONField(default=dict, blank=True)
    priority_explanation = models.CharField(max_length=300, blank=True)
    write_off_review = models.BooleanField(
        default=False,
        help_text="Deadline passed or expected recovery below rework cost.",
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    # Mirrors of the denial: status is open; status is new and nobody has it.
    open = models.BooleanField(default=True)
    unclaimed = models.BooleanField(default=True)

    class Meta:
        indexes = [
            # The queue's default order: open items by priority; keyset (priority, id).
            models.Index(
                fields=["practice", "-priority", "-denial"],
                name="score_open_priority",
                condition=models.Q(open=True),
            ),
            # "Next denial": the best unassigned new item.
            models.Index(
                fields=["-priority", "-denial"], name="score_next_unclaimed",
                condition=models.Q(unclaimed=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Score {self.priority} of denial {self.denial_id}"


class DenialEvent(models.Model):
    """The denial's timeline: posted, assigned, notes, status changes, appeals."""

    class Kind(models.TextChoices):
        POSTED = "posted", "Posted"
        REPEAT = "repeat", "Denied again"
        ASSIGNED = "assigned", "Assigned"
        STATUS = "status", "Status changed"
        NOTE = "note", "Note"
        ROOT_CAUSE = "root_cause", "Root cause set"
        PAYMENT = "payment", "Payment posted"
        APPEAL = "appeal", "Appeal"
        DEADLINE = "deadline", "Deadline changed"

    denial = models.ForeignKey(Denial, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
    text = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class QueueSettings(models.Model):
    """Site-wide scoring knobs an admin may tune (one row)."""

    overturn_prior = models.DecimalField(
        max_digits=4, decimal_places=3, default=0.600,
        help_text="Chance of overturn before the site has its own outcomes (0-1).",
    )
    prior_weight = models.PositiveIntegerField(
        default=10, help_text="How many outcomes the prior counts as."
    )
    rework_cost = models.DecimalField(max_digits=8, decimal_places=2, default=25)
    urgency_half_life_days = models.PositiveIntegerField(default=14)
    work_within_days = models.PositiveIntegerField(default=7)

    class Meta:
        verbose_name_plural = "queue settings"

    def __str__(self) -> str:
        return "Queue settings"
