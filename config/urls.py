from django.contrib import admin
from django.urls import include, path

from core.views import SchemaDocsView, SchemaView

api_v1 = [
]

urlpatterns = [
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SchemaDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
