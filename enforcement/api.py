"""The partner API for enforcement on a case: written warnings, CPNs, fixed penalties, closure notices and
orders, Criminal Behaviour Orders and civil injunctions (the police enforce their prohibitions and powers
of arrest).

Read-only. The case is resolved through casework.access (404 when it is not shared with the caller), the
records come from enforcement.selectors.case_enforcement (what the case's enforcement page lists), and the
read is logged as that page logs it.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from accounts.api import ApiModelSerializer, error_responses, log_api_read
from audit.objects import ObjectType
from casework.api import REFERENCE_PARAMETER, CaseScopedMixin
from casework.models import Agency

from . import selectors
from .models import (
    AppealOutcome,
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    RespectOrder,
)


def _label(field: str) -> serializers.CharField:
    """A choice field's value in words, beside the value itself."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


# The issuing agency's name, from the names the view fetched once for the response. (No docstring: see
# _CourtOrderSerializer.)
class _IssuedSerializer(ApiModelSerializer):
    issuing_agency = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_issuing_agency(self, record) -> str:
        return self.context["agencies"].get(record.issuing_agency_id, "")


class WarningSerializer(_IssuedSerializer):
    recipient = serializers.CharField(source="recipient_name", read_only=True)
    served_how_label = _label("served_how")
    status_label = _label("status")

    class Meta:
        model = CommunityProtectionWarning
        fields = [
            "id",
            "recipient",
            "conduct",
            "requirements",
            "served_at",
            "served_how",
            "served_how_label",
            "compliance_deadline",
            "issuing_agency",
            "status",
            "status_label",
            "outcome_on",
        ]
        read_only_fields = fields


class CpnSerializer(WarningSerializer):
    appeal_outcome = serializers.ChoiceField(choices=AppealOutcome.choices, allow_blank=True, read_only=True)
    appeal_outcome_label = _label("appeal_outcome")
    breaches = serializers.SerializerMethodField()

    class Meta:
        model = CommunityProtectionNotice
        fields = [
            "id",
            "recipient",
            "conduct",
            "requirements",
            "issued_on",
            "served_how",
            "served_how_label",
            "compliance_deadline",
            "appeal_deadline",
            "appeal_lodged_on",
            "appeal_outcome",
            "appeal_outcome_label",
            "issuing_agency",
            "status",
            "status_label",
            "breaches",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(help_text="Breaches recorded against the notice."))
    def get_breaches(self, cpn) -> int:
        return len(cpn.breaches.all())  # prefetched by the selector


class FixedPenaltySerializer(ApiModelSerializer):
    offence_code = serializers.CharField(source="offence.code", read_only=True)
    offence = serializers.CharField(source="offence.description", read_only=True)
    status_label = _label("status")

    class Meta:
        model = FixedPenaltyNotice
        fields = [
            "notice_number",
            "offence_code",
            "offence",
            "offence_at",
            "location",
            "recipient_name",
            "issued_at",
            "full_amount",
            "early_payment_amount",
            "early_payment_until",
            "payment_due",
            "status",
            "status_label",
            "paid_on",
        ]
        read_only_fields = fields


class ClosureOrderSerializer(ApiModelSerializer):
    status_label = _label("status")
    scope_label = _label("scope")

    class Meta:
        model = ClosureOrder
        fields = [
            "id",
            "court",
            "heard_at",
            "scope",
            "scope_label",
            "terms",
            "starts_on",
            "ends_on",
            "status",
            "status_label",
        ]
        read_only_fields = fields


class ClosureNoticeSerializer(_IssuedSerializer):
    status_label = _label("status")
    order = serializers.SerializerMethodField(help_text="The closure order the court made on it, if any.")

    class Meta:
        model = ClosureNotice
        fields = [
            "id",
            "premises",
            "prohibition",
            "served_at",
            "expires_at",
            "hearing_at",
            "hearing_court",
            "issuing_agency",
            "status",
            "status_label",
            "order",
        ]
        read_only_fields = fields

    @extend_schema_field(ClosureOrderSerializer(allow_null=True))
    def get_order(self, record):
        order = getattr(record, "order", None)  # fetched with the notice; absent until the court decides
        return ClosureOrderSerializer(order).data if order is not None else None


COURT_ORDER_FIELDS = [
    "id",
    "subject_name",
    "court",
    "made_on",
    "starts_on",
    "ends_on",
    "prohibitions",
    "requirements",
    "is_youth",
    "next_review_on",
    "next_hearing_on",
    "status",
    "status_label",
]


# What every court order shows beside its fields: the subject's name and the status in words. (No docstring:
# drf-spectacular would put it in the schema in place of ApiModelSerializer's.)
class _CourtOrderSerializer(ApiModelSerializer):
    subject_name = serializers.CharField(source="subject.__str__", read_only=True)
    status_label = _label("status")


class CriminalBehaviourOrderSerializer(_CourtOrderSerializer):
    class Meta:
        model = CriminalBehaviourOrder
        fields = [*COURT_ORDER_FIELDS, "conviction_offence", "convicted_on", "made_under"]
        read_only_fields = fields


class CivilInjunctionSerializer(_CourtOrderSerializer):
    power_of_arrest_ground_label = _label("power_of_arrest_ground")

    class Meta:
        model = CivilInjunction
        fields = [
            *COURT_ORDER_FIELDS,
            "power_of_arrest",
            "power_of_arrest_terms",
            "power_of_arrest_ground",
            "power_of_arrest_ground_label",
        ]
        read_only_fields = fields


class RespectOrderSerializer(_CourtOrderSerializer):
    class Meta:
        model = RespectOrder
        fields = [*COURT_ORDER_FIELDS, "power_of_arrest", "power_of_arrest_terms"]
        read_only_fields = fields


class CaseNoticesSerializer(serializers.Serializer):
    warnings = WarningSerializer(many=True, read_only=True, help_text="CPN written warnings (s43(5)).")
    cpns = CpnSerializer(many=True, read_only=True, help_text="Community Protection Notices.")
    fixed_penalties = FixedPenaltySerializer(many=True, read_only=True)
    closure_notices = ClosureNoticeSerializer(many=True, read_only=True)
    criminal_behaviour_orders = CriminalBehaviourOrderSerializer(many=True, read_only=True)
    civil_injunctions = CivilInjunctionSerializer(
        many=True,
        read_only=True,
        help_text="With any power of arrest, the terms it attaches to and the s4(1) ground the court found (blank "
        "when none is attached, or on an older record where it was not recorded).",
    )
    respect_orders = RespectOrderSerializer(
        many=True,
        read_only=True,
        help_text="Respect Orders (Crime and Policing Act 2026, adults, from commencement): breach is an offence.",
    )


@extend_schema(tags=["enforcement"])
class CaseNotices(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = CaseNoticesSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_notices_list",
        summary="The case's enforcement notices and court orders",
        description=(
            "Written warnings, CPNs, fixed penalties, closure notices (with any closure order), Criminal "
            "Behaviour Orders, civil injunctions and Respect Orders on the case, as its enforcement page lists them. "
            "A case's "
            "records come in one response."
        ),
        parameters=[REFERENCE_PARAMETER],
        responses={200: CaseNoticesSerializer, **error_responses(404)},
    )
    def get(self, request, reference):
        self._case_access = self.case_access()
        case = self._case_access.case
        records = selectors.case_enforcement(case)
        log_api_read(request, object_type=ObjectType.CASE, case=case, details={"page": "enforcement"})
        issuers = {r.issuing_agency_id for r in (*records.warnings, *records.cpns, *records.closure_notices)}
        agencies = dict(Agency.objects.filter(pk__in=issuers).values_list("pk", "name")) if issuers else {}
        data = CaseNoticesSerializer(
            {
                "warnings": records.warnings,
                "cpns": records.cpns,
                "fixed_penalties": records.fpns,
                "closure_notices": records.closure_notices,
                "criminal_behaviour_orders": records.cbos,
                "civil_injunctions": records.injunctions,
                "respect_orders": records.respect_orders,
            },
            context={**self.get_serializer_context(), "agencies": agencies},
        ).data
        return Response(data)
