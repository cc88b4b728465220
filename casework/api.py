"""The partner API for casework: cases, parties, incidents, actions and notes (/api/v1/cases/...).

Each view does what the matching screen does: resolve the case through casework.access (404 for anyone it
is not shared with, 403 for a reader who tries to write), call the same selector or service, and log the
read in the access log (action api_read) the way the screen logs it.
"""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django_filters import ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.api import ApiModelSerializer, PartnerApiMixin, error_responses, log_api_read
from audit.objects import ObjectType

from . import access, selectors, services, vulnerability
from .filters import CaseFilter
from .models import (
    Action,
    ActionStatus,
    Agency,
    Case,
    CaseOutcome,
    CaseParty,
    HateCharacteristic,
    Incident,
    Note,
    PartyRole,
    Ward,
)
from .withholding import WITHHELD

User = get_user_model()

# Where a page of each list starts; the last field is unique so the keyset is total.
CASE_ORDER = ("-opened_at", "-id")
INCIDENT_ORDER = ("-occurred_at", "-id")
ACTION_ORDER = ("due_date", "id")
FUTURE_TOLERANCE_MINUTES = 5  # clocks differ: a report stamped a few minutes ahead is not "in the future"
REFERENCE_SHAPE = re.compile(r"[A-Za-z0-9-]{1,20}")
REFERENCE_PARAMETER = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    pattern=rf"^{REFERENCE_SHAPE.pattern}$",
    description="The case reference, e.g. ASB-2026-00123.",
)


# --- Filters --------------------------------------------------------------------------------------------


class ApiCaseFilter(CaseFilter):
    """The case list's filters, with codes a script can know instead of database ids.

    The sort order is fixed (newest first) because keyset pagination needs one.
    """

    ward = ModelChoiceFilter(queryset=Ward.objects.all(), to_field_name="code", label="Ward code, e.g. burnt-oak")
    lead_agency = ModelChoiceFilter(
        queryset=Agency.objects.all(), to_field_name="short_name", label="Lead agency's short name, e.g. barnet-homes"
    )
    officer = ModelChoiceFilter(
        queryset=User.objects.filter(membership__isnull=False),
        to_field_name="username",
        label="The case officer's username",
    )
    sort = None


class CaseFilterBackend(DjangoFilterBackend):
    """django-filter as DRF uses it, plus the user (the free-text search hides anonymous parties' names)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        # The screens treat an empty field as "any"; a script that sends `category=` has a bug, and the schema
        # promises a code there, so say so instead of silently widening the search.
        empty = {
            name: ["Give a value, or leave this parameter out."]
            for name in filterset.filters
            if name != "q" and "" in request.query_params.getlist(name)
        }
        if empty:
            raise exceptions.ValidationError(empty)
        view.filterset = filterset  # the list logs the filters actually applied
        return filterset


# --- Serializers ----------------------------------------------------------------------------------------


def _person_name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


class AgencySerializer(ApiModelSerializer):
    class Meta:
        model = Agency
        fields = ["short_name", "name"]
        read_only_fields = fields


class CaseSummarySerializer(ApiModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    risk_level_label = serializers.CharField(source="get_risk_level_display", read_only=True)
    ward = serializers.CharField(source="ward.name", read_only=True)
    ward_code = serializers.CharField(source="ward.code", read_only=True)
    lead_agency = AgencySerializer(read_only=True)
    officer = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference",
            "title",
            "category",
            "category_label",
            "status",
            "status_label",
            "ward",
            "ward_code",
            "lead_agency",
            "officer",
            "risk_level",
            "risk_level_label",
            "hate_related",
            "opened_at",
            "closed_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_officer(self, case) -> str | None:
        return _person_name(case.officer)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case) -> str:
        return reverse("api:case_detail", args=[case.reference], request=self.context.get("request"))


class CaseAccessSerializer(serializers.Serializer):
    can_change = serializers.BooleanField(read_only=True, help_text="You may add incidents, notes, actions.")
    can_view_sensitive = serializers.BooleanField(read_only=True, help_text="You see anonymous parties' identities.")
    is_lead = serializers.BooleanField(read_only=True, help_text="Your agency leads the case.")


class CaseDetailSerializer(CaseSummarySerializer):
    address = serializers.SerializerMethodField(
        help_text="'Withheld' when `location_withheld`; null when not recorded."
    )
    location_description = serializers.SerializerMethodField(help_text="'Withheld' when `location_withheld`.")
    location_withheld = serializers.SerializerMethodField(
        help_text="True when the case's location is the home of a person on the case whose do-not-disclose list "
        "names your agency: the address and location description are withheld from you."
    )
    outcome = serializers.ChoiceField(choices=CaseOutcome.choices, allow_blank=True, read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    your_access = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "description",
            "address",
            "location_description",
            "location_withheld",
            "outcome",
            "outcome_label",
            "outcome_notes",
            "version",
            "updated_at",
            "your_access",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_address(self, case) -> str | None:
        if self._location_withheld(case):
            return WITHHELD
        return str(case.address) if case.address else None

    @extend_schema_field(serializers.CharField())
    def get_location_description(self, case) -> str:
        return WITHHELD if self._location_withheld(case) else case.location_description

    @extend_schema_field(serializers.BooleanField())
    def get_location_withheld(self, case) -> bool:
        return self._location_withheld(case)

    def _location_withheld(self, case) -> bool:
        case_access = self.context.get("case_access")
        return bool(case_access and case_access.case.pk == case.pk and case_access.location_withheld)

    @extend_schema_field(CaseAccessSerializer)
    def get_your_access(self, case) -> dict:
        case_access = self.context["case_access"]
        return CaseAccessSerializer(case_access).data


class CodeLabelSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class PartySerializer(serializers.Serializer):
    """A party as the Parties page shows it: an anonymous party's identity is withheld unless you may see it.
    Vulnerability shows to every agency the case is shared with, as the case page's banner does (an anonymous
    party's under "Anonymous victim"): it is what a visiting officer must know, and names no one."""

    id = serializers.IntegerField(source="party.pk", read_only=True)
    role = serializers.ChoiceField(source="party.role", choices=PartyRole.choices, read_only=True)
    role_label = serializers.CharField(source="party.get_role_display", read_only=True)
    is_anonymous = serializers.BooleanField(source="party.is_anonymous", read_only=True)
    withheld = serializers.BooleanField(read_only=True, help_text="True when the identity is withheld from you.")
    details_withheld = serializers.BooleanField(
        source="hides_details",
        read_only=True,
        help_text="True when the address and contact details are withheld from you: with `withheld` (anonymous), "
        "or alone when the person's do-not-disclose list names your agency (the name still shows).",
    )
    name = serializers.CharField(read_only=True, help_text="'Anonymous victim' (etc.) when withheld.")
    contact = serializers.CharField(read_only=True, help_text="'Withheld' when withheld or details_withheld.")
    address = serializers.CharField(read_only=True, help_text="'Withheld' when withheld or details_withheld.")
    vulnerabilities = serializers.SerializerMethodField(
        help_text="The person's vulnerabilities (the case page's banner), with their merged duplicates'; "
        "empty when none are recorded. Shown whoever shares the case, even when the identity is withheld."
    )
    reasonable_adjustments = serializers.SerializerMethodField(
        help_text="Reasonable adjustments recorded for the person (the banner's), empty when none."
    )

    def _vulnerability(self, view):
        return self.context.get("vulnerability", {}).get(view.party.person_id or 0)

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_vulnerabilities(self, view) -> list[dict]:
        summary = self._vulnerability(view)
        if summary is None:
            return []
        return [{"code": code, "label": label} for code, label in zip(summary.flags, summary.flag_labels, strict=True)]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasonable_adjustments(self, view) -> list[str]:
        summary = self._vulnerability(view)
        return list(summary.adjustments) if summary is not None else []


class PartyListSerializer(serializers.Serializer):
    results = PartySerializer(many=True, read_only=True)


def _party_label(party: CaseParty | None, case_access: access.CaseAccess) -> str | None:
    """The same label the incident screens show for who reported it."""
    if party is None:
        return None
    view = selectors.party_view(party, case_access)
    return f"{view.name} ({party.get_role_display()})"


class PartyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class IncidentSerializer(ApiModelSerializer):
    reported_to = AgencySerializer(read_only=True)
    reported_by = serializers.SerializerMethodField()
    hate_characteristics = serializers.SerializerMethodField(
        help_text="When `hate_related`: what the victim was targeted because of (perceived), "
        "e.g. race, religion, sexual_orientation, disability, transgender, other. Read-only here."
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "occurred_at",
            "reported_at",
            "reported_to",
            "agency_reference",
            "description",
            "hate_related",
            "hate_characteristics",
            "reported_by",
        ]
        read_only_fields = fields

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_hate_characteristics(self, incident) -> list[dict]:
        """What the victim was targeted because of, as the Incidents page shows it: only for a hate incident."""
        if not incident.hate_related:
            return []
        labels = dict(HateCharacteristic.choices)
        return [{"code": code, "label": labels.get(code, code)} for code in incident.hate_characteristics or []]

    @extend_schema_field(PartyRefSerializer(allow_null=True))
    def get_reported_by(self, incident) -> dict | None:
        party = incident.reported_by
        if party is None:
            return None
        return {"id": party.pk, "name": _party_label(party, self.context["case_access"])}


def _not_future(value, what: str):
    if value > timezone.now() + timedelta(minutes=FUTURE_TOLERANCE_MINUTES):
        raise serializers.ValidationError(f"{what} must be today or in the past")
    return value


class IncidentCreateSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField(
        help_text="When it happened (ISO 8601, e.g. 2026-03-01T22:15:00Z).",
        error_messages={
            "required": "Enter the date and time it happened",
            "null": "Enter the date and time it happened",
            "invalid": "Enter the date and time it happened as an ISO 8601 date and time",
        },
    )
    reported_at = serializers.DateTimeField(
        help_text="When it was reported to your agency.",
        error_messages={
            "required": "Enter the date and time it was reported",
            "null": "Enter the date and time it was reported",
            "invalid": "Enter the date and time it was reported as an ISO 8601 date and time",
        },
    )
    reported_to = serializers.SlugRelatedField(
        slug_field="short_name",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="The short name of the agency it was reported to; your own agency if left out.",
        error_messages={"does_not_exist": "No active agency has the short name '{value}'"},
    )
    agency_reference = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your own reference, e.g. a police CAD or CRIS number.",
        error_messages={"max_length": "Their reference must be 50 characters or fewer"},
    )
    description = serializers.CharField(
        max_length=10000,
        error_messages={
            "required": "Describe what happened",
            "blank": "Describe what happened",
            "max_length": "The description must be 10000 characters or fewer",
        },
    )
    hate_related = serializers.BooleanField(required=False, default=False)
    reported_by = serializers.PrimaryKeyRelatedField(
        queryset=CaseParty.objects.none(),
        required=False,
        allow_null=True,
        help_text="The id of the party on this case who reported it (from the parties list).",
        error_messages={"does_not_exist": "Party {pk_value} is not on this case"},
    )

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["reported_by"].queryset = case.parties.all()

    def validate_occurred_at(self, value):
        return _not_future(value, "The date it happened")

    def validate_reported_at(self, value):
        return _not_future(value, "The date it was reported")

    def validate(self, data):
        if data["reported_at"] < data["occurred_at"]:
            raise serializers.ValidationError(
                {"reported_at": ["The report date must be the same as or after the date it happened"]}
            )
        return data


class ActionSerializer(ApiModelSerializer):
    owner_agency = AgencySerializer(read_only=True)
    owner = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "description",
            "owner_agency",
            "owner",
            "due_date",
            "status",
            "status_label",
            "completed_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, action) -> str | None:
        return _person_name(action.owner)


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        error_messages={
            "required": "Choose the action's new status",
            "invalid_choice": "Choose a status: open, in_progress, done or cancelled",
        },
    )


class NoteSerializer(ApiModelSerializer):
    author = serializers.SerializerMethodField()
    author_agency = serializers.SerializerMethodField()

    class Meta:
        model = Note
        fields = ["id", "text", "author", "author_agency", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, note) -> str | None:
        return _person_name(note.author)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author_agency(self, note) -> str | None:
        return note.author_agency.name if note.author_agency else None


class NoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=10000,
        error_messages={
            "required": "Enter the note",
            "blank": "Enter the note",
            "max_length": "The note must be 10000 characters or fewer",
        },
    )


# --- Views ----------------------------------------------------------------------------------------------


class CaseScopedMixin(PartnerApiMixin):
    """Resolves the case in the URL through casework.access, once per request."""

    def case_access(self, *, change: bool = False) -> access.CaseAccess:
        reference = self.kwargs["reference"]
        if not REFERENCE_SHAPE.fullmatch(reference):  # not a reference at all: no query (PostgreSQL refuses NULs)
            raise Http404("No case found")
        return access.case_access_or_404(self.request.user, reference, change=change)

    def get_queryset(self):
        """Asked only by the browsable API's filter form (the views page their selectors themselves); there is
        nothing to filter here, so an empty queryset of the serializer's model (it used to be a 500)."""
        model = getattr(getattr(self.get_serializer_class(), "Meta", None), "model", None)
        return (model or Case)._default_manager.none()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "_case_access"):
            context["case_access"] = self._case_access
        return context

    def case_page(self, request, rows_for, page: str):
        """A paged list of the case's records (`rows_for(case)`, in the view's keyset order), logged as a read of
        the case's `page`."""
        self._case_access = self.case_access()
        case = self._case_access.case
        rows = self.paginate_queryset(rows_for(case))
        data = self.get_serializer(rows, many=True).data
        log_api_read(request, object_type=ObjectType.CASE, case=case, details={"page": page})
        return self.get_paginated_response(data)


@extend_schema(tags=["cases"])
class CaseList(PartnerApiMixin, generics.ListAPIView):
    serializer_class = CaseSummarySerializer
    filter_backends = [CaseFilterBackend]
    filterset_class = ApiCaseFilter
    keyset_ordering = CASE_ORDER

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    @extend_schema(
        operation_id="cases_list",
        summary="Cases you may see",
        description=(
            "Every case led by or shared with your agency (every case for managers and auditors), newest first, "
            "with the case list's filters. `q` searches reference, title, address, postcode and party names "
            "(an anonymous party's name only matches for the lead agency)."
        ),
        responses={200: CaseSummarySerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        cases = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(cases, many=True).data
        log_api_read(
            request,
            object_type=ObjectType.CASE,
            details={"endpoint": "cases", "filters": self.filterset.applied(), "rows_shown": len(cases)},
        )
        return self.get_paginated_response(data)


@extend_schema(tags=["cases"])
class CaseDetail(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = CaseDetailSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_retrieve",
        parameters=[REFERENCE_PARAMETER],
        summary="One case",
        description=(
            "A case led by or shared with your agency; 404 for any other reference. `your_access` says what "
            "you may do on it."
        ),
        responses={200: CaseDetailSerializer, **error_responses(404)},
    )
    def get(self, request, reference):
        self._case_access = self.case_access()
        case = self._case_access.case
        log_api_read(request, object_type=ObjectType.CASE, case=case, details={"page": "summary"})
        return Response(self.get_serializer(case).data)


@extend_schema(tags=["cases"])
class CaseParties(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = PartyListSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_parties_list",
        parameters=[REFERENCE_PARAMETER],
        summary="The case's parties",
        description=(
            "Everyone on the case, as the Parties page shows them: an anonymous party appears as "
            "'Anonymous victim' (or witness, ...) with contact and address 'Withheld' unless your agency "
            "may see it (`your_access.can_view_sensitive` on the case). A case's parties come in one response."
        ),
        responses={200: PartyListSerializer, **error_responses(404)},
    )
    def get(self, request, reference):
        self._case_access = self.case_access()
        case = self._case_access.case
        parties = selectors.parties_for(case, self._case_access)
        found = vulnerability.vulnerability_for_people({view.party.person_id for view in parties})
        log_api_read(request, object_type=ObjectType.CASE, case=case, details={"page": "parties"})
        return Response({"results": PartySerializer(parties, many=True, context={"vulnerability": found}).data})


@extend_schema(tags=["incidents"])
class CaseIncidents(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = IncidentSerializer
    keyset_ordering = INCIDENT_ORDER

    @extend_schema(
        operation_id="cases_incidents_list",
        parameters=[REFERENCE_PARAMETER],
        summary="The case's incidents",
        description="Newest first.",
        responses={200: IncidentSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, reference):
        return self.case_page(request, selectors.incidents_for, "incidents")

    @extend_schema(
        operation_id="cases_incidents_create",
        parameters=[REFERENCE_PARAMETER],
        summary="Log an incident on the case",
        description="Needs change access to the case (the lead agency, or a share that allows changes).",
        request=IncidentCreateSerializer,
        responses={201: IncidentSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample(
                "Noise reported to the police",
                value={
                    "occurred_at": "2026-03-01T22:15:00Z",
                    "reported_at": "2026-03-01T22:40:00Z",
                    "reported_to": "met-police",
                    "agency_reference": "CAD 1234/01MAR26",
                    "description": "Loud music and shouting from flat 12 until 2am.",
                    "hate_related": False,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, reference):
        self._case_access = self.case_access(change=True)
        case = self._case_access.case
        serializer = IncidentCreateSerializer(data=request.data, case=case)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reported_to = data.get("reported_to") or access.agency_of(request.user)
        if reported_to is None:
            raise serializers.ValidationError({"reported_to": ["Give the short name of the agency it was reported to"]})
        incident = services.add_incident(
            case=case,
            by=request.user,
            occurred_at=data["occurred_at"],
            reported_at=data["reported_at"],
            reported_to=reported_to,
            description=data["description"],
            agency_reference=data["agency_reference"],
            hate_related=data["hate_related"],
            reported_by=data.get("reported_by"),
        )
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["actions"])
class CaseActions(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = ActionSerializer
    keyset_ordering = ACTION_ORDER

    @extend_schema(
        operation_id="cases_actions_list",
        parameters=[REFERENCE_PARAMETER],
        summary="The case's action plan",
        description="Earliest due first.",
        responses={200: ActionSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, reference):
        return self.case_page(request, selectors.actions_for, "actions")


@extend_schema(tags=["actions"])
class CaseActionStatus(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = ActionSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_actions_status_update",
        parameters=[REFERENCE_PARAMETER],
        summary="Change an action's status",
        description=(
            "open, in_progress, done or cancelled. A done or cancelled action can only be reopened (409 otherwise). "
            "Needs change access to the case."
        ),
        request=ActionStatusSerializer,
        responses={200: ActionSerializer, **error_responses(400, 404, 409)},
    )
    def patch(self, request, reference, action_id):
        self._case_access = self.case_access(change=True)
        action = selectors.actions_for(self._case_access.case).filter(pk=action_id).first()
        if action is None:
            raise Http404("No action found")
        serializer = ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = services.set_action_status(action=action, by=request.user, status=serializer.validated_data["status"])
        return Response(self.get_serializer(action).data)


@extend_schema(tags=["notes"])
class CaseNotes(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = NoteSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_notes_create",
        parameters=[REFERENCE_PARAMETER],
        summary="Add a note to the case",
        description="Needs change access to the case.",
        request=NoteCreateSerializer,
        responses={201: NoteSerializer, **error_responses(400, 404)},
    )
    def post(self, request, reference):
        self._case_access = self.case_access(change=True)
        serializer = NoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.add_note(case=self._case_access.case, by=request.user, text=serializer.validated_data["text"])
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)
