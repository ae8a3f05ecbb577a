from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import MANAGERS, AccessRule
from core.api import AuditedAPIMixin
from core.tenancy import user_practice_roles

from .. import selectors
from ..forms import ScopeForm
from .serializers import MonthlyMetricsSerializer


class MonthlyMetricsView(AuditedAPIMixin, APIView):
    """The dashboard's monthly KPIs, from the rollups, for the practices you manage."""

    access_rule = AccessRule(roles=MANAGERS)

    @extend_schema(
        operation_id="metrics_monthly",
        parameters=[
            OpenApiParameter(
                "practice", OpenApiTypes.INT, description="One of your practices."
            ),
            OpenApiParameter("payer", OpenApiTypes.INT),
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="First month, YYYY-MM (default: 11 months before `to`).",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="Last month, YYYY-MM (default: this month). At most 24.",
            ),
        ],
        responses=MonthlyMetricsSerializer(many=True),
    )
    def get(self, request):
        roles = user_practice_roles(request.user)
        managed = [p for p, role in roles.items() if role in MANAGERS]
        practice = request.query_params.get("practice")
        if practice and (not practice.isdigit() or int(practice) not in managed):
            raise NotFound("No such practice.")
        form = ScopeForm(
            {
                "practice": practice or "",
                "payer": request.query_params.get("payer", ""),
                "month_from": request.query_params.get("from", ""),
                "month_to": request.query_params.get("to", ""),
            },
            practice_ids=managed,
        )
        if not form.is_valid():
            errors = {
                {"month_from": "from", "month_to": "to"}.get(k, k): v
                for k, v in form.errors.items()
            }
            raise ValidationError(errors)
        data = form.cleaned_data
        scope = selectors.Scope(
            practice_ids=tuple(form.chosen_practice_ids()),
            month_from=data["month_from"],
            month_to=data["month_to"],
            payer_id=data["payer"].pk if data["payer"] else None,
        )
        return Response(
            MonthlyMetricsSerializer(selectors.monthly(scope), many=True).data
        )
