from django.urls import path

from .views import MonthlyMetricsView

urlpatterns = [
    path("metrics/monthly/", MonthlyMetricsView.as_view(), name="metrics-monthly"),
]
