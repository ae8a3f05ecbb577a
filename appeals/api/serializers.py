"""API shapes of appeals. Choice fields are plain strings with their values documented
(the services validate them), so the schema's enum names never collide across apps."""

from rest_framework import serializers

from ..letters import MERGE_FIELDS
from ..models import Action, Appeal, Evidence, Letter, LetterTemplate

STATUSES = ", ".join(Appeal.Status.values)
ACTIONS = ", ".join(v for v in Action.values if v != Action.WRITE_OFF)
METHODS = ", ".join(Appeal.Method.values)


class EvidenceSerializer(serializers.ModelSerializer):
    content_type = serializers.CharField(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "note",
            "uploaded_at",
        ]
        read_only_fields = fields


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Letter
        fields = ["id", "body", "enclosures", "rendered_at"]
        read_only_fields = fields


class AppealListSerializer(serializers.ModelSerializer):
    action = serializers.CharField(read_only=True, help_text=ACTIONS)
    status = serializers.CharField(read_only=True, help_text=STATUSES)
    method = serializers.CharField(read_only=True, help_text=METHODS)
    denial_ids = serializers.SerializerMethodField()
    payer_name = serializers.CharField(source="payer.name", default="", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "practice_id",
            "payer_id",
            "payer_name",
            "denial_ids",
            "action",
            "level_index",
            "level_name",
            "status",
            "method",
            "submitted_on",
            "deadline",
            "deadline_note",
            "follow_up_date",
            "decided_on",
            "amount_requested",
            "amount_recovered",
            "frequency_code",
            "payer_claim_number",
            "previous_id",
            "created_at",
        ]
        read_only_fields = fields

    def get_denial_ids(self, obj) -> list[int]:
        return [d.pk for d in obj.denials.all()]


class AppealDetailSerializer(AppealListSerializer):
    letters = LetterSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(AppealListSerializer.Meta):
        fields = [
            *AppealListSerializer.Meta.fields,
            "letter_draft",
            "outcome_note",
            "letters",
            "evidence",
        ]
        read_only_fields = fields


class AppealCreateSerializer(serializers.Serializer):
    denial_ids = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=50
    )
    action = serializers.CharField(help_text=ACTIONS)
    frequency_code = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="7 or 8, corrected claims only",
    )


class SubmitSerializer(serializers.Serializer):
    method = serializers.CharField(help_text=METHODS)
    submitted_on = serializers.DateField(required=False)
    follow_up_date = serializers.DateField(required=False, allow_null=True)
    payer_claim_number = serializers.CharField(required=False, allow_blank=True)
    frequency_code = serializers.CharField(required=False, allow_blank=True)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        help_text="overturned, partially_overturned, upheld, withdrawn"
    )
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    decided_on = serializers.DateField(required=False)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class LetterDraftSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, max_length=50_000, trim_whitespace=False
    )


class LetterPreviewSerializer(serializers.Serializer):
    draft = serializers.CharField()
    preview = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)


class UploadResultSerializer(serializers.Serializer):
    saved = EvidenceSerializer(many=True)
    refused = serializers.ListField(child=serializers.CharField())


class LetterTemplateSerializer(serializers.ModelSerializer):
    action = serializers.CharField(help_text=", ".join(Action.values))
    merge_fields = serializers.SerializerMethodField()

    class Meta:
        model = LetterTemplate
        fields = [
            "id",
            "name",
            "action",
            "category",
            "level_index",
            "body",
            "active",
            "updated_at",
            "merge_fields",
        ]
        read_only_fields = ["id", "updated_at", "merge_fields"]

    def get_merge_fields(self, obj) -> list[str]:
        return sorted(MERGE_FIELDS)

    def validate_action(self, value):
        if value not in Action.values:
            raise serializers.ValidationError(f"One of {', '.join(Action.values)}.")
        return value

    def validate_body(self, value):
        from ..letters import LetterTemplateError, validate

        try:
            validate(value)
        except LetterTemplateError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value


class TemplatePreviewSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=50_000, trim_whitespace=False)


class TemplatePreviewResultSerializer(serializers.Serializer):
    preview = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
