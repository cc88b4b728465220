"""The partner API for CS MARAC referrals: refer a case (POST) and follow the referral's status (GET).

The same path as the screens: the case is resolved through casework.access (404 when it is not shared with
the caller), the referral is made by marac.services.refer_case (history, the coordinator's share and its
disclosure log row included), and reading a referral is logged as the referral page logs it.
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts.api import ApiModelSerializer, Conflict, PartnerApiMixin, error_responses, log_api_read
from audit.objects import ObjectType
from casework import access
from casework.api import REFERENCE_PARAMETER, AgencySerializer, CaseScopedMixin
from casework.errors import NotAllowed
from casework.models import LegalBasis

from . import selectors, services
from .models import LIVE_REFERRAL_STATUSES, Consent, MaracRisk, Referral


class ReferralSerializer(ApiModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    referring_agency = AgencySerializer(read_only=True)
    risk_level_label = serializers.CharField(source="get_risk_level_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "referring_agency",
            "referred_at",
            "risk_level",
            "risk_level_label",
            "reason",
            "actions_tried",
            "consent",
            "legal_basis",
            "status",
            "status_label",
            "is_repeat",
            "information_requested",
            "decline_reason",
            "accepted_at",
            "closure_proposed_at",
            "closed_on",
            "closure_reason",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, referral) -> str:
        return reverse("api:marac_referral", args=[referral.pk], request=self.context.get("request"))


def _answer(help_text: str, missing: str) -> serializers.CharField:
    """A required free-text answer: left out or blank, the error says `missing`."""
    return serializers.CharField(
        max_length=10000, help_text=help_text, error_messages={"required": missing, "blank": missing}
    )


def _choice(choices, help_text: str, missing: str, invalid: str) -> serializers.ChoiceField:
    """A required choice: left out, the error says `missing`; not one of `choices`, `invalid`."""
    return serializers.ChoiceField(
        choices=choices, help_text=help_text, error_messages={"required": missing, "invalid_choice": invalid}
    )


class ReferralCreateSerializer(serializers.Serializer):
    """What the referral form asks, with its messages."""

    reason = _answer(
        "Why the case needs the CS MARAC. Do not name anonymous victims or witnesses.",
        "Enter why the case needs the CS MARAC",
    )
    risk_level = _choice(
        MaracRisk.choices, "Risk to the victim.", "Choose the risk to the victim", "Choose high, medium or standard"
    )
    actions_tried = _answer(
        "Single-agency action that has not resolved the problem.", "Enter what your agency has already tried"
    )
    consent = _choice(
        Consent.choices,
        "Whether the victim has consented to the referral.",
        "Choose whether the victim has consented",
        "Choose given or not_given",
    )
    legal_basis = _choice(
        LegalBasis.choices,
        "Legal basis for sharing the case with the MARAC agencies.",
        "Choose the legal basis for sharing",
        "Choose one of the legal bases listed",
    )


@extend_schema(tags=["marac"])
class CaseMaracReferrals(CaseScopedMixin, generics.GenericAPIView):
    serializer_class = ReferralSerializer
    pagination_class = None

    @extend_schema(
        operation_id="cases_marac_referrals_create",
        summary="Refer the case to the CS MARAC",
        description=(
            "Any agency that can see the case and whose role may refer (partner caseworkers, enforcement officers, "
            "the coordinator). The MARAC coordinator screens it; follow its `status` at its `url`. "
            "409 when the case already has a live referral."
        ),
        parameters=[REFERENCE_PARAMETER],
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer, **error_responses(400, 404, 409)},
        examples=[
            OpenApiExample(
                "High-risk referral with consent",
                value={
                    "reason": "Repeat intimidation of a vulnerable tenant; the victim no longer leaves the flat.",
                    "risk_level": "high",
                    "actions_tried": "Two warning letters, an acceptable behaviour contract, a CPN written warning.",
                    "consent": "given",
                    "legal_basis": "cda_s115",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, reference):
        self._case_access = self.case_access()
        case = self._case_access.case
        if not access.has_permission(request.user, "marac.add_referral"):
            raise PermissionDenied("You do not have permission to refer cases to the CS MARAC.")
        serializer = ReferralCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            referral = services.refer_case(case=case, by=request.user, **serializer.validated_data)
        except NotAllowed as error:
            if Referral.objects.filter(case=case, status__in=LIVE_REFERRAL_STATUSES).exists():
                raise Conflict(str(error)) from error
            raise
        return Response(self.get_serializer(referral).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["marac"])
class MaracReferralDetail(PartnerApiMixin, generics.GenericAPIView):
    serializer_class = ReferralSerializer
    pagination_class = None

    @extend_schema(
        operation_id="marac_referrals_retrieve",
        summary="A CS MARAC referral and its status",
        description=(
            "submitted (awaiting screening), more_information (the coordinator asked a question: see "
            "`information_requested`), accepted (on the MARAC), declined (see `decline_reason`) or closed. "
            "404 unless the referral's case is shared with you."
        ),
        parameters=[OpenApiParameter("referral_id", int, OpenApiParameter.PATH, description="The referral's id.")],
        responses={200: ReferralSerializer, **error_responses(404)},
    )
    def get(self, request, referral_id):
        referral = selectors.get_referral(user=request.user, referral_id=referral_id)
        log_api_read(
            request,
            object_type=ObjectType.MARAC_REFERRAL,
            object_id=referral.pk,
            object_label=referral.case.reference,
            case=referral.case,
        )
        return Response(self.get_serializer(referral).data)
