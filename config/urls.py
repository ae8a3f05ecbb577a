from django.contrib import admin
from django.urls import include, path

from core.views import SchemaDocsView, SchemaView

api_v1 = [
    path("", include("remits.api.urls")),
    path("", include("denials.api.urls")),
    path("", include("denials.api.intake_urls")),
    path("", include("appeals.api.urls")),
    path("", include("prevention.api.urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("remits/", include("remits.urls")),
    path("intake/", include("denials.intake_urls")),
    path("denials/", include("denials.urls")),
    path("appeals/", include("appeals.urls")),
    path("prevention/", include("prevention.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SchemaDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
