from django.urls import path

from . import intake_views

urlpatterns = [
    path("remits/", intake_views.RemitUploadView.as_view(), name="api-remit-upload"),
    path(
        "remits/<int:pk>/", intake_views.RemitFileView.as_view(), name="api-remit-file"
    ),
]
