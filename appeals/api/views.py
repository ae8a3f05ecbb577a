"""Appeal API: appeals, submit, outcome, escalate, letters, evidence, templates."""

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import ADMINS, WORKERS, AccessRule
from core.api import AuditedAPIMixin
from core.audit import Action as AuditAction
from core.audit import audit_log
from core.errors import ApplicationError
from denials.selectors import denials_for_user

from .. import letters, pdf, selectors, services
from ..models import LetterTemplate
from .serializers import (
    AppealCreateSerializer,
    AppealDetailSerializer,
    AppealListSerializer,
    EvidenceSerializer,
    LetterDraftSerializer,
    LetterPreviewSerializer,
    LetterSerializer,
    LetterTemplateSerializer,
    OutcomeSerializer,
    SubmitSerializer,
    TemplatePreviewResultSerializer,
    TemplatePreviewSerializer,
    UploadResultSerializer,
)


class AppealPagination(CursorPagination):
    ordering = "-id"
    page_size = 50


def _detail(request, pk) -> Response:
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    return Response(AppealDetailSerializer(appeal).data)


class AppealListView(AuditedAPIMixin, generics.ListAPIView):
    """Appeals of your practices; POST creates a draft for one or more denials."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="appeal")
    serializer_class = AppealListSerializer
    pagination_class = AppealPagination
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        return selectors.appeal_list(
            user=self.request.user,
            status=params.get("status", "all"),
            due=params.get("due", ""),
            mine=params.get("mine") == "1",
        ).order_by("-id")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="open, all (default) or one status value.",
            ),
            OpenApiParameter("due", OpenApiTypes.STR, enum=list(selectors.DUE_FILTERS)),
            OpenApiParameter("mine", OpenApiTypes.STR, enum=["1"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=AppealCreateSerializer, responses={201: AppealDetailSerializer}
    )
    def post(self, request):
        data = AppealCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["denial_ids"]
        chosen = list(denials_for_user(user=request.user).filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise Http404
        appeal = services.appeal_start(
            denials=chosen,
            action=data.validated_data["action"],
            by=request.user,
            frequency_code=data.validated_data["frequency_code"],
        )
        return Response(
            AppealDetailSerializer(
                selectors.appeal_get(user=request.user, pk=appeal.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class AppealDetailView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="appeal")

    @extend_schema(responses=AppealDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, pk)


class AppealSubmitView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(request=SubmitSerializer, responses=AppealDetailSerializer)
    def post(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.appeal_submit(appeal=appeal, by=request.user, **data.validated_data)
        return _detail(request, pk)


class AppealOutcomeView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(request=OutcomeSerializer, responses=AppealDetailSerializer)
    def post(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.appeal_record_outcome(
            appeal=appeal, by=request.user, **data.validated_data
        )
        return _detail(request, pk)


class AppealEscalateView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(request=None, responses={201: AppealDetailSerializer})
    def post(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        new = services.appeal_escalate(appeal=appeal, by=request.user)
        return Response(
            AppealDetailSerializer(
                selectors.appeal_get(user=request.user, pk=new.pk)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class AppealLetterView(AuditedAPIMixin, APIView):
    """GET: the draft and its preview (or the merge error). PUT: save the draft."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="appeal")

    def _preview(self, request, appeal) -> Response:
        try:
            text, error = services.letter_preview(appeal=appeal, by=request.user), ""
        except ApplicationError as exc:
            text, error = "", exc.message
        return Response({"draft": appeal.letter_draft, "preview": text, "error": error})

    @extend_schema(responses=LetterPreviewSerializer)
    def get(self, request, pk: int):
        return self._preview(request, selectors.appeal_get(user=request.user, pk=pk))

    @extend_schema(request=LetterDraftSerializer, responses=LetterPreviewSerializer)
    def put(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        data = LetterDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.appeal_letter_save(
            appeal=appeal, by=request.user, body=data.validated_data["body"]
        )
        return self._preview(request, appeal)


class AppealLetterFinalizeView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(request=None, responses={201: LetterSerializer})
    def post(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        letter = services.appeal_letter_finalize(appeal=appeal, by=request.user)
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)


class AppealLetterPdfView(AuditedAPIMixin, APIView):
    """The finalized letter as a PDF; `?packet=1` bundles the evidence after it."""

    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(
        parameters=[OpenApiParameter("packet", OpenApiTypes.STR, enum=["1"])],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        letter = appeal.letters.order_by("-rendered_at", "-id").first()
        if letter is None:
            raise ApplicationError("Finalize the letter first.", field="letter")
        data = pdf.letter_pdf(
            body=letter.body, enclosures=letter.enclosures, title=f"Appeal {appeal.pk}"
        )
        kind = "appeal_letter"
        if request.query_params.get("packet") == "1":
            by_id = {e.pk: e for e in appeal.evidence.all()}
            items = [by_id[i] for i in letter.evidence_ids if i in by_id]
            data = pdf.packet_pdf(
                letter=data,
                enclosures=[
                    pdf.Enclosure(
                        e.original_name, e.content_type, services.evidence_path(e)
                    )
                    for e in items
                ],
            )
            kind = "appeal_packet"
        audit_log(
            action=AuditAction.DOWNLOAD,
            request=request,
            practice_id=appeal.practice_id,
            object_type=kind,
            object_id=letter.pk,
            detail={"appeal": appeal.pk, "api": True},
        )
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="appeal-{appeal.pk}-{kind.split("_")[1]}.pdf"'
        )
        return response


class EvidenceListView(AuditedAPIMixin, APIView):
    """GET the appeal's evidence; POST multipart `files` (each checked by content)."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="appeal")
    parser_classes = [MultiPartParser]

    @extend_schema(responses=EvidenceSerializer(many=True))
    def get(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        return Response(EvidenceSerializer(appeal.evidence.all(), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                    }
                },
            }
        },
        responses={201: UploadResultSerializer, 400: UploadResultSerializer},
    )
    def post(self, request, pk: int):
        appeal = selectors.appeal_get(user=request.user, pk=pk)
        files = request.FILES.getlist("files")
        result = services.evidence_add(
            appeal=appeal, by=request.user, files=[(f.name, f, f.size) for f in files]
        )
        body = {
            "saved": EvidenceSerializer(result.saved, many=True).data,
            "refused": result.refused,
        }
        return Response(
            body,
            status=status.HTTP_201_CREATED
            if result.saved
            else status.HTTP_400_BAD_REQUEST,
        )


class EvidenceDownloadView(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS, object_type="appeal")

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)
        }
    )
    def get(self, request, pk: int, evidence_pk: int):
        item = selectors.evidence_get(user=request.user, appeal_pk=pk, pk=evidence_pk)
        path = services.evidence_path(item)
        if not path.is_file():
            raise Http404
        audit_log(
            action=AuditAction.DOWNLOAD,
            request=request,
            practice_id=item.appeal.practice_id,
            object_type="evidence",
            object_id=item.pk,
            detail={"appeal": item.appeal_id, "api": True},
        )
        return FileResponse(
            open(path, "rb"),
            as_attachment=True,
            filename=item.original_name,
            content_type=item.content_type,
        )


class TemplateListView(AuditedAPIMixin, generics.ListCreateAPIView):
    """Letter templates (admins); unknown merge fields are refused by name."""

    access_rule = AccessRule(roles=ADMINS)
    serializer_class = LetterTemplateSerializer
    queryset = LetterTemplate.objects.select_related("category").order_by("id")
    pagination_class = None
    filter_backends: list = []


class TemplateDetailView(AuditedAPIMixin, generics.RetrieveUpdateDestroyAPIView):
    access_rule = AccessRule(roles=ADMINS)
    serializer_class = LetterTemplateSerializer
    queryset = LetterTemplate.objects.all()
    filter_backends: list = []


class TemplatePreviewView(AuditedAPIMixin, APIView):
    """Render a template body with sample data (admins), or say what is wrong."""

    access_rule = AccessRule(roles=ADMINS)

    @extend_schema(
        request=TemplatePreviewSerializer,
        responses={
            200: TemplatePreviewResultSerializer,
            400: TemplatePreviewResultSerializer,
        },
    )
    def post(self, request):
        data = TemplatePreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            return Response(
                {"preview": letters.preview(data.validated_data["body"]), "error": ""}
            )
        except letters.LetterTemplateError as exc:
            return Response(
                {"preview": "", "error": str(exc)}, status=status.HTTP_400_BAD_REQUEST
            )
