from django.urls import path

from . import views

urlpatterns = [
    path("appeals/", views.AppealListView.as_view(), name="api-appeals"),
    path("appeals/<int:pk>/", views.AppealDetailView.as_view(), name="api-appeal"),
    path(
        "appeals/<int:pk>/submit/",
        views.AppealSubmitView.as_view(),
        name="api-appeal-submit",
    ),
    path(
        "appeals/<int:pk>/outcome/",
        views.AppealOutcomeView.as_view(),
        name="api-appeal-outcome",
    ),
    path(
        "appeals/<int:pk>/escalate/",
        views.AppealEscalateView.as_view(),
        name="api-appeal-escalate",
    ),
    path(
        "appeals/<int:pk>/letter/",
        views.AppealLetterView.as_view(),
        name="api-appeal-letter",
    ),
    path(
        "appeals/<int:pk>/letter/finalize/",
        views.AppealLetterFinalizeView.as_view(),
        name="api-appeal-letter-finalize",
    ),
    path(
        "appeals/<int:pk>/letter.pdf",
        views.AppealLetterPdfView.as_view(),
        name="api-appeal-letter-pdf",
    ),
    path(
        "appeals/<int:pk>/evidence/",
        views.EvidenceListView.as_view(),
        name="api-appeal-evidence",
    ),
    path(
        "appeals/<int:pk>/evidence/<int:evidence_pk>/",
        views.EvidenceDownloadView.as_view(),
        name="api-appeal-evidence-download",
    ),
    path(
        "appeal-templates/",
        views.TemplateListView.as_view(),
        name="api-appeal-templates",
    ),
    path(
        "appeal-templates/preview/",
        views.TemplatePreviewView.as_view(),
        name="api-appeal-template-preview",
    ),
    path(
        "appeal-templates/<int:pk>/",
        views.TemplateDetailView.as_view(),
        name="api-appeal-template",
    ),
]
