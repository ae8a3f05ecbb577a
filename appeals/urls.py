from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("notifications/", views.notifications, name="notifications"),
    path("start/<int:pk>/", views.appeal_start, name="start"),
    path("start/<int:pk>/write-off/", views.denial_write_off, name="denial-write-off"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/letter/", views.appeal_letter, name="letter"),
    path(
        "<int:pk>/letter/template/",
        views.appeal_letter_template,
        name="letter-template",
    ),
    path("<int:pk>/letter/finalize/", views.appeal_finalize, name="finalize"),
    path("<int:pk>/letter.pdf", views.appeal_letter_pdf, name="letter-pdf"),
    path("<int:pk>/packet.pdf", views.appeal_packet_pdf, name="packet-pdf"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence-download",
    ),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence-delete",
    ),
    path("<int:pk>/submit/", views.appeal_submit, name="submit"),
    path("<int:pk>/in-review/", views.appeal_in_review, name="in-review"),
    path("<int:pk>/outcome/", views.appeal_outcome, name="outcome"),
    path("<int:pk>/escalate/", views.appeal_escalate, name="escalate"),
    path("<int:pk>/write-off/", views.appeal_write_off, name="write-off"),
]
