"""Denial API shapes. The list fields are also the CSV export's columns."""

from collections.abc import Iterator

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Denial, DenialEvent

LIST_FIELDS = (
    "id",
    "practice",
    "practice_name",
    "payer",
    "payer_name",
    "account_number",
    "payer_claim_number",
    "patient_name",
    "service_date",
    "remit_date",
    "posted_at",
    "kind",
    "denied_amount",
    "recovered_amount",
    "category",
    "category_name",
    "codes",
    "appeal_deadline",
    "days_left",
    "no_appeal_rights",
    "priority",
    "priority_explanation",
    "write_off_review",
    "status",
    "assignee",
)


def _days_left(denial: Denial) -> int | None:
    if denial.appeal_deadline is None:
        return None
    return (denial.appeal_deadline - timezone.localdate()).days


class DenialListSerializer(serializers.ModelSerializer):
    practice_name = serializers.CharField(source="practice.name", read_only=True)
    payer_name = serializers.CharField(
        source="payer.name", read_only=True, default=None
    )
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(
        source="category.name", read_only=True, default=None
    )
    codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    days_left = serializers.SerializerMethodField()
    # The score's fields, read from its row (DenialScore).
    priority = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True)
    write_off_review = serializers.BooleanField(read_only=True)
    # Rendered with today's days left; the stored line leaves them out.
    priority_explanation = serializers.SerializerMethodField()
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Denial
        fields = LIST_FIELDS
        read_only_fields = LIST_FIELDS

    @extend_schema_field(OpenApiTypes.INT)
    def get_days_left(self, obj: Denial) -> int | None:
        return _days_left(obj)

    @extend_schema_field(OpenApiTypes.STR)
    def get_priority_explanation(self, obj: Denial) -> str:
        return obj.score_explanation


class DenialEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DenialEvent
        fields = (
            "id",
            "at",
            "kind",
            "actor",
            "from_status",
            "to_status",
            "text",
            "amount",
        )


class AdjustmentSerializer(serializers.Serializer):
    group = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ServiceLineSerializer(serializers.Serializer):
    line_number = serializers.IntegerField()
    procedure_code = serializers.CharField()
    modifiers = serializers.CharField()
    service_date = serializers.DateField(allow_null=True)
    charge = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    remarks = serializers.ListField(child=serializers.CharField())
    adjustments = AdjustmentSerializer(many=True, source="adjs")


class DenialDetailSerializer(DenialListSerializer):
    root_cause = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    priority_parts = serializers.JSONField(read_only=True)
    lines = serializers.SerializerMethodField()
    claim_adjustments = serializers.SerializerMethodField()
    events = DenialEventSerializer(many=True, read_only=True)

    class Meta(DenialListSerializer.Meta):
        fields = LIST_FIELDS + (
            "billed_amount",
            "written_off_amount",
            "reason",
            "deadline_note",
            "priority_parts",
            "root_cause",
            "root_cause_confirmed",
            "remittance",
            "claim_remarks",
            "claim_adjustments",
            "lines",
            "events",
        )
        read_only_fields = fields

    remittance = serializers.IntegerField(source="claim.remittance_id", read_only=True)
    claim_remarks = serializers.ListField(
        source="claim.remarks", read_only=True, child=serializers.CharField()
    )

    def _split(self, obj):
        cached = getattr(obj, "_split_adjustments", None)
        if cached is None:
            by_line: dict = {}
            for adj in obj.claim.adjustments.all():
                by_line.setdefault(adj.line_id, []).append(adj)
            lines = list(obj.claim.lines.all())
            for line in lines:
                line.adjs = by_line.get(line.pk, [])
            cached = obj._split_adjustments = (lines, by_line.get(None, []))
        return cached

    @extend_schema_field(ServiceLineSerializer(many=True))
    def get_lines(self, obj):
        return ServiceLineSerializer(self._split(obj)[0], many=True).data

    @extend_schema_field(AdjustmentSerializer(many=True))
    def get_claim_adjustments(self, obj):
        return AdjustmentSerializer(self._split(obj)[1], many=True).data


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, help_text="User id; null unassigns."
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Denial.Status.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, default=""
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class RootCauseSerializer(serializers.Serializer):
    category = serializers.SlugField(help_text="Category slug.")


class NextResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(required=False)


def export_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def denial_export_rows(qs, *, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The header, then one row per denial, streamed (the API list's field names)."""
    yield list(LIST_FIELDS)
    qs = qs.defer(None).select_related(
        "practice", "payer", "category", "assignee", "score"
    )
    for denial in qs.iterator(chunk_size=chunk_size):
        data = DenialListSerializer(denial).data
        yield [export_value(data[name]) for name in LIST_FIELDS]
