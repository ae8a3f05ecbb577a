"""Appeals of denials: the action taken, letters, evidence, outcomes and reminders."""

from django.conf import settings
from django.db import models

from core.models import TimeStampedModel


class Action(models.TextChoices):
    # A written appeal at the payer's next level (redetermination, level 1 appeal…).
    APPEAL = "appeal", "Appeal"
    # A reconsideration (a payer's informal first look, or Medicare's QIC level).
    RECONSIDERATION = "reconsideration", "Reconsideration"
    # The practice billed wrongly: a replacement (7) or void (8) claim with the ICN.
    CORRECTED_CLAIM = "corrected_claim", "Corrected claim"
    # Clerical errors and duplicate denials: ask the payer to reopen, not to appeal.
    REOPENING = "reopening", "Reopening"
    # Nothing to win or no rights left: write the balance off (no appeal is filed).
    WRITE_OFF = "write_off", "Write-off"


APPEAL_LIKE_ACTIONS = (Action.APPEAL, Action.RECONSIDERATION)


class Appeal(TimeStampedModel):
    """One request to a payer about one or more denials of one payer."""

    class Status(models.TextChoices):
        # Being prepared: letter and evidence can still change.
        DRAFT = "draft", "Draft"
        # Sent to the payer; waiting for an acknowledgement or decision.
        SUBMITTED = "submitted", "Submitted"
        # The payer confirmed it is reviewing the appeal.
        IN_REVIEW = "in_review", "In review"
        # The payer reversed the denial and paid in full.
        OVERTURNED = "overturned", "Overturned"
        # The payer paid part of what was asked.
        PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"
        # The payer kept the denial: escalate to the next level or write off.
        UPHELD = "upheld", "Upheld"
        # The practice dropped the appeal before a decision.
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN_STATUSES = ("draft", "submitted", "in_review")
    WAITING_STATUSES = ("submitted", "in_review")
    DECIDED_STATUSES = ("overturned", "partially_overturned", "upheld", "withdrawn")

    class Method(models.TextChoices):
        MAIL = "mail", "Mail"
        FAX = "fax", "Fax"
        PORTAL = "portal", "Payer portal"
        ELECTRONIC = "electronic", "Electronic claim (837)"
        PHONE = "phone", "Phone"

    class Frequency(models.TextChoices):
        # Replacement of a prior claim.
        REPLACE = "7", "7 – replacement of prior claim"
        # Void/cancel of a prior claim.
        VOID = "8", "8 – void of prior claim"

    practice = models.ForeignKey(
        "core.Practice", on_delete=models.PROTECT, related_name="+"
    )
    payer = models.ForeignKey(
        "remits.Payer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denials = models.ManyToManyField("denials.Denial", related_name="appeals")
    action = models.CharField(
        max_length=20, choices=Action.choices, default=Action.APPEAL
    )
    level_index = models.PositiveSmallIntegerField(default=0)
    level_name = models.CharField(max_length=80, blank=True)
    status = models.CharField(
        max_length=25, choices=Status.choices, default=Status.DRAFT
    )
    method = models.CharField(max_length=12, choices=Method.choices, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    deadline_note = models.CharField(max_length=300, blank=True)
    no_appeal_rights = models.BooleanField(default=False)
    follow_up_date = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    amount_requested = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_recovered = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    outcome_note = models.TextField(blank=True)
    # Corrected claims only.
    frequency_code = models.CharField(
        max_length=1, choices=Frequency.choices, blank=True
    )
    payer_claim_number = models.CharField(max_length=50, blank=True)
    letter_draft = models.TextField(blank=True)
    template = models.ForeignKey(
        "LetterTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
        help_text="The upheld appeal this one escalates.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The appeals list and the reminders beat: open appeals by deadline.
            models.Index(
                fields=["practice", "deadline"],
                name="appeal_open_deadline",
                condition=models.Q(status__in=["draft", "submitted", "in_review"]),
            ),
            # The recovery sync: appeals waiting on the payer.
            models.Index(
                fields=["status"],
                name="appeal_waiting",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("appeals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def needs_letter(self) -> bool:
        return self.action in (Action.APPEAL, Action.RECONSIDERATION, Action.REOPENING)


class LetterTemplate(models.Model):
    """A letter with {{ merge_fields }}; the best match by category and level wins."""

    name = models.CharField(max_length=120)
    category = models.ForeignKey(
        "denials.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Blank: any category (a generic letter).",
    )
    action = models.CharField(
        max_length=20,
        choices=Action.choices,
        default=Action.APPEAL,
        help_text="What kind of request this letter is for.",
    )
    level_index = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="0 for the first level, 1 for the second…; blank: any level.",
    )
    body = models.TextField(
        help_text="Plain text with merge fields such as {{ patient_name }}."
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action", "category__name", "level_index", "name"]

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    """A finalized letter: the exact text sent and the enclosures it lists."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="letters")
    body = models.TextField()
    enclosures = models.JSONField(
        default=list, help_text="Evidence names listed as enclosed."
    )
    evidence_ids = models.JSONField(default=list)
    rendered_at = models.DateTimeField(auto_now_add=True)
    rendered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-rendered_at", "-id"]
        get_latest_by = ["rendered_at", "id"]

    def __str__(self) -> str:
        return f"Letter {self.pk} of appeal {self.appeal_id}"


class Evidence(models.Model):
    """An enclosed file, stored outside the web root under a server-made name."""

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"
        TIFF = "image/tiff", "TIFF"

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="evidence"
    )
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=20, choices=ContentType.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            # The same file twice on one appeal is stored once.
            models.UniqueConstraint(
                fields=["appeal", "sha256"], name="evidence_unique_file"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class EvidenceChecklist(models.Model):
    """What a winning appeal of this category usually encloses."""

    category = models.OneToOneField(
        "denials.Category", on_delete=models.CASCADE, related_name="evidence_checklist"
    )
    items = models.JSONField(default=list, help_text='e.g. ["Authorization number", …]')

    def __str__(self) -> str:
        return f"Checklist for {self.category}"


class Notification(models.Model):
    """An in-app reminder about an appeal; one per appeal, kind and due date."""

    class Kind(models.TextChoices):
        DEADLINE_30 = "deadline_30", "Deadline in 30 days"
        DEADLINE_14 = "deadline_14", "Deadline in 14 days"
        DEADLINE_7 = "deadline_7", "Deadline in 7 days"
        # The payer should have answered by now: call or check the portal.
        FOLLOW_UP = "follow_up", "Follow-up due"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="appeal_notifications",
    )
    practice = models.ForeignKey(
        "core.Practice", on_delete=models.CASCADE, related_name="+"
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField()
    message = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # The daily beat may run any number of times: one reminder per occasion.
            models.UniqueConstraint(
                fields=["appeal", "kind", "due_date"],
                name="notification_once_per_occasion",
            ),
        ]
        indexes = [
            # The unread count on the home page.
            models.Index(
                fields=["user"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · appeal {self.appeal_id}"
