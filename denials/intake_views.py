"""835 files through the browser: upload, status polling, releasing holds."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.access import ADMINS, WORKERS, access
from core.adminsite import admin_practice_ids
from core.errors import ApplicationError
from core.models import Practice
from remits.selectors import remit_file_get, remittance_get

from .intake import IngestReport, era_ingest, remittance_release


def _hint(request: HttpRequest) -> Practice | None:
    return getattr(request, "practice", None)


@access(roles=WORKERS)
def upload(request: HttpRequest) -> HttpResponse:
    """Post 835 files; large ones post in the worker while the page polls."""
    if request.method != "POST":
        return render(
            request,
            "denials/intake/upload.html",
            {"async_threshold": settings.ERA_ASYNC_THRESHOLD_BYTES},
        )
    files = request.FILES.getlist("files")
    if not files:
        return _respond(
            request, [], error="Choose at least one 835 file to post.", status=400
        )
    reports: list[IngestReport] = []
    for upload_file in files:
        try:
            report = era_ingest(
                stream=upload_file,
                name=upload_file.name,
                source="upload",
                user=request.user,
                practice_hint=_hint(request),
                run_async=upload_file.size >= settings.ERA_ASYNC_THRESHOLD_BYTES,
            )
        except ApplicationError as exc:
            report = IngestReport(
                file=upload_file.name, status="rejected", errors=[exc.message]
            )
        reports.append(report)
    return _respond(request, reports)


def _respond(request, reports, *, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "reports": reports,
        "error": error,
        "async_threshold": settings.ERA_ASYNC_THRESHOLD_BYTES,
    }
    template = (
        "denials/intake/_results.html"
        if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.htmx
        else "denials/intake/upload.html"
    )
    return render(request, template, context, status=status)


@access(roles=WORKERS)
def file_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A file's posting result; polled while the worker posts a large file."""
    remit_file = remit_file_get(user=request.user, pk=pk)
    report = IngestReport(
        file=remit_file.original_name,
        status=remit_file.status,
        transactions=remit_file.transactions,
        claims=remit_file.claims,
        denials=remit_file.denials,
        paid_total=remit_file.paid_total,
        remit_file_id=remit_file.pk,
        warnings=[
            i["message"] for i in remit_file.issues if i.get("severity") == "warning"
        ],
        errors=[
            i["message"] for i in remit_file.issues if i.get("severity") == "error"
        ],
    )
    return render(request, "denials/intake/_result.html", {"report": report})


@require_POST
@access(roles=ADMINS)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a held payment: to the practice picked, or despite a trace conflict."""
    remittance = remittance_get(user=request.user, pk=pk)
    admin_of = set(admin_practice_ids(request.user))
    if remittance.practice_id is not None and remittance.practice_id not in admin_of:
        raise PermissionDenied(
            "Only an admin of this practice can release its payment."
        )
    practice = None
    if request.POST.get("practice"):
        practice = (
            get_object_or_404(Practice, pk=request.POST["practice"], pk__in=admin_of)
            if str(request.POST["practice"]).isdigit()
            else None
        )
        if practice is None:
            messages.error(request, "Choose a practice you are an admin of.")
            return redirect("remits:file", remittance.remit_file_id)
    try:
        report = remittance_release(
            remittance=remittance,
            practice=practice,
            accept_conflict=bool(request.POST.get("accept_conflict")),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Payment {remittance.trace_number} posted: {report.claims} claims, "
            f"{report.denials} denials.",
        )
    return redirect("remits:file", remittance.remit_file_id)
