"""Denial API: the queue list (same filters as the page), detail, next and actions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import MANAGERS, WORKERS, AccessRule
from core.api import AuditedAPIMixin
from core.errors import ApplicationError
from core.models import User
from core.tenancy import has_role, user_practice_ids

from .. import selectors, services
from ..filters import BadCursor, denials_filter, denials_search, keyset_page
from ..forms import DenialFilterForm
from ..models import Category
from .serializers import (
    AssignSerializer,
    DenialDetailSerializer,
    DenialEventSerializer,
    DenialListSerializer,
    NoteSerializer,
    RootCauseSerializer,
    StatusSerializer,
)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# API spellings of the orderings, and the page's own names.
API_ORDERINGS = {
    "-priority": "priority",
    "priority": "priority",
    "appeal_deadline": "deadline",
    "deadline": "deadline",
    "-denied_amount": "amount",
    "amount": "amount",
    "posted_at": "age",
    "age": "age",
}

FILTER_PARAMETERS = [
    OpenApiParameter("practice", OpenApiTypes.INT, description="Practice id (yours)."),
    OpenApiParameter("payer", OpenApiTypes.INT, description="Payer id (aliases too)."),
    OpenApiParameter("category", OpenApiTypes.INT, description="Category id."),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        description="open (default), all, resolved, or one status value.",
    ),
    OpenApiParameter(
        "assignee", OpenApiTypes.STR, description="me, none or a user id."
    ),
    OpenApiParameter("amount_min", OpenApiTypes.DECIMAL),
    OpenApiParameter("amount_max", OpenApiTypes.DECIMAL),
    OpenApiParameter(
        "deadline", OpenApiTypes.STR, enum=["7", "14", "30", "expired", "none"]
    ),
    OpenApiParameter("age", OpenApiTypes.STR, enum=["fresh", "overdue", "30", "90"]),
    OpenApiParameter("write_off", OpenApiTypes.STR, enum=["yes", "no"]),
    OpenApiParameter(
        "ordering", OpenApiTypes.STR, enum=list(API_ORDERINGS), default="-priority"
    ),
    OpenApiParameter("after", OpenApiTypes.STR, description="Cursor from `next`."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1-200, default 50."),
]


class DenialPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True, help_text="Cursor of the next page.")
    results = DenialListSerializer(many=True)


def filtered(request, params) -> tuple:
    """The user's denials narrowed by the page's filter form; 400 names the field."""
    data = params.copy()
    if "ordering" in data:
        if data["ordering"] not in API_ORDERINGS:
            raise ValidationError(
                {"ordering": [f"Use one of {', '.join(API_ORDERINGS)}."]}
            )
        data["ordering"] = API_ORDERINGS[data["ordering"]]
    practice_ids = user_practice_ids(request.user)
    form = DenialFilterForm(data, user=request.user, practice_ids=practice_ids)
    if not form.is_valid():
        raise ValidationError(form.errors)
    qs = selectors.denials_queue(user=request.user, practice_ids=practice_ids)
    return denials_filter(qs, data=form.cleaned_data, user=request.user), form


def page_of(request, qs, form) -> Response:
    raw_size = request.query_params.get("page_size", str(PAGE_SIZE))
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Use 1 to {MAX_PAGE_SIZE}."]})
    try:
        page = keyset_page(
            qs,
            ordering_name=form.cleaned_data["ordering"],
            after=form.cleaned_data.get("after") or "",
            size=int(raw_size),
        )
    except BadCursor as exc:
        raise ValidationError({"after": ["Not a valid cursor."]}) from exc
    return Response(
        {
            "next": page.next_cursor,
            "results": DenialListSerializer(page.rows, many=True).data,
        }
    )


class DenialListView(AuditedAPIMixin, APIView):
    """The queue: highest priority first, keyset-paginated."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="denial_queue")

    @extend_schema(
        operation_id="denials_list",
        parameters=FILTER_PARAMETERS,
        responses=DenialPageSerializer,
    )
    def get(self, request):
        qs, form = filtered(request, request.query_params)
        return page_of(request, qs, form)


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100)


class DenialSearchView(AuditedAPIMixin, APIView):
    """Search by patient name, account or payer claim number (term in the body)."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="denial_search")

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        request=SearchSerializer,
        responses=DenialPageSerializer,
    )
    def post(self, request):
        from core.audit import Action, audit_log

        body = SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        qs, form = filtered(request, request.query_params)
        response = page_of(
            request, denials_search(qs, term=body.validated_data["q"]), form
        )
        audit_log(
            action=Action.READ,
            request=request,
            object_type="denial_search",
            detail={"api": True},
        )
        return response


class DenialDetailView(AuditedAPIMixin, APIView):
    """One denial with its service lines, adjustments and timeline."""

    access_rule = AccessRule(roles=WORKERS, phi=True, object_type="denial")

    @extend_schema(responses=DenialDetailSerializer)
    def get(self, request, pk: int):
        denial = selectors.denial_detail(user=request.user, pk=pk)
        return Response(DenialDetailSerializer(denial).data)


class NextSerializer(serializers.Serializer):
    practice = serializers.IntegerField(
        required=False, help_text="Limit to one of your practices."
    )


class DenialNextView(AuditedAPIMixin, APIView):
    """Take the highest-priority unassigned new denial (atomically)."""

    access_rule = AccessRule(roles=WORKERS)

    @extend_schema(
        request=NextSerializer,
        responses={
            200: DenialDetailSerializer,
            204: OpenApiResponse(description="Nothing left to take."),
        },
    )
    def post(self, request):
        body = NextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        practice_ids = user_practice_ids(request.user)
        wanted = body.validated_data.get("practice")
        if wanted is not None:
            if wanted not in practice_ids:
                raise ValidationError({"practice": ["Not one of your practices."]})
            practice_ids = [wanted]
        taken = services.denial_next(user=request.user, practice_ids=practice_ids)
        if taken is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        denial = selectors.denial_detail(user=request.user, pk=taken.pk)
        return Response(DenialDetailSerializer(denial).data)


class _DenialAction(AuditedAPIMixin, APIView):
    access_rule = AccessRule(roles=WORKERS)

    def denial(self, request, pk: int):
        return selectors.denial_get(user=request.user, pk=pk)

    def detail(self, request, pk: int, code=status.HTTP_200_OK) -> Response:
        denial = selectors.denial_detail(user=request.user, pk=pk)
        return Response(DenialDetailSerializer(denial).data, status=code)


class DenialAssignView(_DenialAction):
    @extend_schema(request=AssignSerializer, responses=DenialDetailSerializer)
    def post(self, request, pk: int):
        denial = self.denial(request, pk)
        body = AssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user_id = body.validated_data["assignee"]
        assignee = None
        if user_id is not None:
            assignee = User.objects.filter(pk=user_id, is_active=True).first()
            if assignee is None:
                raise ApplicationError("No such user.", field="assignee")
        services.denial_reassign(
            denial=denial,
            assignee=assignee,
            by=request.user,
            may_assign_others=has_role(request.user, denial.practice_id, MANAGERS),
        )
        return self.detail(request, pk)


class DenialStatusView(_DenialAction):
    @extend_schema(request=StatusSerializer, responses=DenialDetailSerializer)
    def post(self, request, pk: int):
        denial = self.denial(request, pk)
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.denial_transition(
            denial=denial,
            to_status=body.validated_data["status"],
            by=request.user,
            note=body.validated_data.get("note") or "",
            amount=body.validated_data.get("amount"),
        )
        return self.detail(request, pk)


class DenialNoteView(_DenialAction):
    @extend_schema(request=NoteSerializer, responses={201: DenialEventSerializer})
    def post(self, request, pk: int):
        denial = self.denial(request, pk)
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.denial_note_add(
            denial=denial, text=body.validated_data["text"], by=request.user
        )
        return Response(DenialEventSerializer(event).data, status=201)


class DenialRootCauseView(_DenialAction):
    @extend_schema(request=RootCauseSerializer, responses=DenialDetailSerializer)
    def post(self, request, pk: int):
        denial = self.denial(request, pk)
        body = RootCauseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = Category.objects.filter(slug=body.validated_data["category"]).first()
        if category is None:
            raise ApplicationError("No such category.", field="category")
        services.denial_root_cause_set(
            denial=denial, category=category, by=request.user
        )
        return self.detail(request, pk)
