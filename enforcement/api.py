"""The partner API for enforcement notices on a case: written warnings, CPNs, fixed penalties, closure notices.

Read-only. The case is resolved through casework.access (404 when it is not shared with the caller), the
records come from enforcement.selectors.case_enforcement (what the case's enforcement page lists), and the
read is logged as that page logs it.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from casework.api import REFERENCE_PARAMETER, CaseScopedMixin
from casework.models import Agency
from config.api import ApiModelSerializer, error_responses, log_api_read

from . import selectors
from .models import (
    AppealOutcome,
    ClosureNotice,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    FixedPenaltyNotice,
)


class WarningSerializer(ApiModelSerializer):
    recipient = serializers.CharField(source="recipient_name", read_only=True)
    issuing_agency = serializers.SerializerMethodField()
    served_how_label = serializers.CharField(source="get_served_how_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

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

    @extend_schema_field(serializers.CharField())
    def get_issuing_agency(self, record) -> str:
        return self.context["agencies"].get(record.issuing_agency_id, "")


class CpnSerializer(WarningSerializer):
    appeal_outcome = serializers.ChoiceField(choices=AppealOutcome.choices, allow_blank=True, read_only=True)
    appeal_outcome_label = serializers.CharField(source="get_appeal_outcome_display", read_only=True)
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
    status_label = serializers.CharField(source="get_status_display", read_only=True)

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


class ClosureNoticeSerializer(ApiModelSerializer):
    issuing_agency = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)

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
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_issuing_agency(self, record) -> str:
        return self.context["agencies"].get(record.issuing_agency_id, "")


class CaseNoticesSerializer(serializers.Serializer):
    warnings = WarningSerializer(many=True, read_only=True, help_text="CPN written warnings (s43(5)).")
    cpns = CpnSerializer(many=True, read_only=True, help_text="Community Protection Notices.")
    fixed_penalties = FixedPenaltySerializer(many=True, read_only=True)
    closure_notices = ClosureNoticeSerializer(many=True, read_only=True)


@extend_schema(tags=["enforcement"])
class CaseNotices(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = CaseNoticesSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_notices_list",
        summary="The case's enforcement notices",
        description=(
            "Written warnings, CPNs, fixed penalties and closure notices on the case, as its enforcement page "
            "lists them, newest first. A case's notices come in one response."
        ),
        parameters=[REFERENCE_PARAMETER],
        responses={200: CaseNoticesSerializer, **error_responses(404)},
    )
    def get(self, request, reference):
        self._case_access = self.case_access()
        case = self._case_access.case
        records = selectors.case_enforcement(case)
        log_api_read(request, object_type="case", case=case, details={"page": "enforcement"})
        issuers = {r.issuing_agency_id for r in (*records.warnings, *records.cpns, *records.closure_notices)}
        agencies = dict(Agency.objects.filter(pk__in=issuers).values_list("pk", "name")) if issuers else {}
        data = CaseNoticesSerializer(
            {
                "warnings": records.warnings,
                "cpns": records.cpns,
                "fixed_penalties": records.fpns,
                "closure_notices": records.closure_notices,
            },
            context={**self.get_serializer_context(), "agencies": agencies},
        ).data
        return Response(data)
