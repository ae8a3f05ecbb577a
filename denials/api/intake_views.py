"""REST way in for 835 files: POST one or more files, then read each file's result."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import WORKERS, AccessRule
from core.api import AuditedAPIMixin
from core.errors import ApplicationError
from remits.selectors import remit_file_get

from ..intake import IngestReport, era_ingest

ReportSerializer = inline_serializer(
    "IngestReport",
    fields={
        "file": serializers.CharField(),
        "status": serializers.CharField(),
        "transactions": serializers.IntegerField(),
        "claims": serializers.IntegerField(),
        "denials": serializers.IntegerField(),
        "recovered": serializers.IntegerField(),
        "paid_total": serializers.DecimalField(max_digits=14, decimal_places=2),
        "warnings": serializers.ListField(child=serializers.CharField()),
        "errors": serializers.ListField(child=serializers.CharField()),
        "remit_file_id": serializers.IntegerField(allow_null=True),
        "held": serializers.IntegerField(),
    },
)


class RemitUploadView(AuditedAPIMixin, APIView):
    """Post 835 files (multipart field `files`); large files post in the worker."""

    access_rule = AccessRule(roles=WORKERS)
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "RemitUpload",
                fields={"files": serializers.ListField(child=serializers.FileField())},
            )
        },
        responses={
            201: OpenApiResponse(
                response=ReportSerializer, description="One report per file, in order"
            ),
            400: OpenApiResponse(description="No file was sent"),
        },
    )
    def post(self, request):
        files = request.FILES.getlist("files") or request.FILES.getlist("file")
        if not files:
            return Response(
                {"files": ["Send at least one 835 file in the `files` field."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        reports = []
        for upload in files:
            try:
                report = era_ingest(
                    stream=upload,
                    name=upload.name,
                    source="api",
                    user=request.user,
                    run_async=upload.size >= settings.ERA_ASYNC_THRESHOLD_BYTES,
                )
            except ApplicationError as exc:
                report = IngestReport(
                    file=upload.name, status="rejected", errors=[exc.message]
                )
            reports.append(report.as_json())
        return Response(reports, status=status.HTTP_201_CREATED)


class RemitFileView(AuditedAPIMixin, APIView):
    """The posting result of one received file."""

    access_rule = AccessRule(roles=WORKERS)

    @extend_schema(responses={200: ReportSerializer})
    def get(self, request, pk: int):
        f = remit_file_get(user=request.user, pk=pk)
        return Response(
            IngestReport(
                file=f.original_name,
                status=f.status,
                transactions=f.transactions,
                claims=f.claims,
                denials=f.denials,
                paid_total=f.paid_total,
                remit_file_id=f.pk,
                warnings=[
                    i["message"] for i in f.issues if i.get("severity") == "warning"
                ],
                errors=[i["message"] for i in f.issues if i.get("severity") == "error"],
            ).as_json()
        )
