from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import ADMINS, WORKERS, access
from core.audit import Action, audit_log
from core.tenancy import request_practice_ids

from . import selectors
from .codes import code_descriptions
from .services import remit_file_path


@access(roles=WORKERS)
def file_list(request: HttpRequest) -> HttpResponse:
    """Remit files received for the current practice scope, newest first."""
    files = selectors.remit_files_listed(
        user=request.user, practice_ids=request_practice_ids(request)
    ).order_by("-received_at")[:200]
    return render(request, "remits/file_list.html", {"files": files})


@access(roles=WORKERS)
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    remit_file = selectors.remit_file_get(user=request.user, pk=pk)
    remittances = selectors.remit_file_remittances(
        user=request.user, remit_file=remit_file
    )
    remittances = list(remittances)
    posted = [r for r in remittances if r.status in ("posted", "posted_with_warnings")]
    return render(
        request,
        "remits/file_detail.html",
        {
            "remit_file": remit_file,
            "remittances": remittances,
            "visible_claims": sum(r.claim_count for r in posted),
            "visible_paid": sum(r.paid_total for r in posted),
            "downloadable": selectors.remit_file_downloadable(
                user=request.user, remit_file=remit_file
            ),
        },
    )


@access(roles=ADMINS)
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The raw file as received (admins), audited."""
    remit_file = selectors.remit_file_get(user=request.user, pk=pk)
    if not selectors.remit_file_downloadable(user=request.user, remit_file=remit_file):
        raise PermissionDenied("This file also pays practices you do not administer.")
    audit_log(
        action=Action.DOWNLOAD, request=request, object_type="remit_file", object_id=pk
    )
    return FileResponse(
        open(remit_file_path(remit_file), "rb"),
        as_attachment=True,
        filename=f"remit-{remit_file.pk}.835",
    )


@access(roles=WORKERS, phi=True, object_type="remittance")
def remittance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    remittance = selectors.remittance_get(user=request.user, pk=pk)
    claims = list(selectors.remittance_claims(remittance=remittance)[:500])
    adjustments = [a for c in claims for a in c.adjustments.all()]
    descriptions = code_descriptions(
        {
            "CARC": {a.reason for a in adjustments},
            "Group": {a.group for a in adjustments},
        }
    )
    for a in adjustments:
        a.description = (
            " — ".join(
                d
                for d in (
                    descriptions.get(("Group", a.group)),
                    descriptions.get(("CARC", a.reason)),
                )
                if d
            )
            or "Code not in the loaded CARC list"
        )
    return render(
        request,
        "remits/remittance_detail.html",
        {"remittance": remittance, "claims": claims},
    )
