"""Every statutory limit the system enforces, as the Acts word them, with its section and dates of effect.

One table, read through `statutory.selectors.rule(key, on=...)`: a check asks for the rule in force on the
day that matters in law (the day of issue, of the decision, of the complaint), so a change in law is a new
row here with a later date of effect, never an edit to a number in a service. A provision that awaits
commencement regulations names a `commencement_key`; it is off until an administrator sets that date
(statutory.models.Commencement). Local choices that are not law live in each app's config module instead.

`docs/rules.md` is generated from this table (`manage.py rules_doc`) and a test fails if it is stale.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

ACT_2014 = "Anti-social Behaviour, Crime and Policing Act 2014"
CPA_2026 = "Crime and Policing Act 2026"
SENTENCING_CODE = "Sentencing Act 2020 (the Sentencing Code)"

ACT_2014_IN_FORCE = date(2014, 10, 20)  # Parts 1 to 6 of the 2014 Act
SENTENCING_CODE_IN_FORCE = date(2020, 12, 1)


@dataclass(frozen=True)
class Rule:
    key: str
    value: Any
    unit: str
    citation: str
    description: str
    effective_from: date | None = ACT_2014_IN_FORCE
    effective_to: date | None = None
    commencement_key: str = ""
    enforced_in: tuple[str, ...] = ()
    tests: tuple[str, ...] = field(default_factory=tuple)


# Commencement keys: provisions of the 2026 Act not yet in force when this was written (research-2026.md §2.1).
COMMENCEMENTS = {
    "cpa2026-fpn-cap": ("£500 cap on fixed penalties for CPN and PSPO breaches", f"{CPA_2026}, amending s52 and s68"),
    "cpa2026-respect-orders": ("Respect Orders replace civil injunctions for adults", f"{CPA_2026}, new Part A1"),
    "cpa2026-injunction-risk-assessment": (
        "Risk assessment of the respondent before applying for an injunction or Respect Order",
        f"{CPA_2026}, Part 1 (Respect Orders, youth and housing injunctions)",
    ),
    "cpa2026-housing-provider-closure": (
        "Registered housing providers may issue closure notices",
        f"{CPA_2026}, amending s76 to s79",
    ),
    "cpa2026-pcc-case-review": (
        "The local policing body (PCC) may review an ASB Case Review",
        f"{CPA_2026}, amending s104",
    ),
}

T = "tests/enforcement/test_statutory_defects.py::"
R = "tests/enforcement/test_rules.py::"
C = "tests/statutory/test_commencement.py::"
V = "tests/enforcement/test_rules_review.py::"
P = "tests/enforcement/test_power_of_arrest.py::"

RULES: tuple[Rule, ...] = (
    # --- Community Protection Notices ---------------------------------------------------------------------
    Rule(
        "cpn.min_age",
        16,
        "years of age",
        f"s43(1) of the {ACT_2014}",
        "A CPN, and the written warning before it, may be given to a person aged 16 or over, or to a body.",
        enforced_in=("enforcement.services.serve_written_warning", "enforcement.services.issue_cpn"),
        tests=(R + "test_a_person_under_16_cannot_be_given_a_warning_and_can_on_their_16th_birthday",),
    ),
    Rule(
        "cpn.time_to_comply_passed",
        True,
        "condition",
        f"s43(5)(b) of the {ACT_2014}",
        "A CPN may be issued only when the time given in the written warning has passed, even if a breach "
        "was recorded earlier.",
        enforced_in=("enforcement.services.issue_cpn",),
        tests=(T + "test_a_cpn_waits_for_the_time_to_comply_even_after_a_recorded_breach",),
    ),
    Rule(
        "cpn.issuers",
        ("council", "police", "housing"),
        "agency kinds",
        f"s53 of the {ACT_2014}",
        "Who may issue a CPN or its written warning: council officers, police officers and designated PCSOs, "
        "and designated social landlords.",
        enforced_in=("enforcement.services.serve_written_warning", "enforcement.services.issue_cpn"),
        tests=(R + "test_only_councils_police_and_social_landlords_issue_cpns",),
    ),
    Rule(
        "cpn.appeal_days",
        21,
        "days beginning with the day of issue",
        f"s46(2) of the {ACT_2014}",
        "An appeal against a CPN is made to the magistrates' court within 21 days beginning with the day it "
        "was issued (issued 3 November: the last day is 23 November). A written warning cannot be appealed.",
        enforced_in=("enforcement.services.issue_cpn", "enforcement.services.lodge_appeal"),
        tests=(T + "test_a_cpn_appeal_window_is_21_days_beginning_with_the_day_of_issue",),
    ),
    # --- Fixed penalties for CPN and PSPO breaches --------------------------------------------------------
    Rule(
        "fpn.cpn_pspo_max_amount",
        100,
        "pounds",
        f"s52(7) and s68 of the {ACT_2014}",
        "A fixed penalty for breaching a CPN or a PSPO can be at most £100.",
        enforced_in=("enforcement.services.offence_code_problems", "enforcement.services.issue_fpn"),
        tests=(T + "test_an_amount_above_the_100_pound_cap_is_refused_for_cpn_and_pspo_breaches",),
    ),
    Rule(
        "fpn.cpn_pspo_max_amount",
        500,
        "pounds",
        f"s52(7) and s68 of the {ACT_2014}, as amended by the {CPA_2026}",
        "From commencement, a fixed penalty for breaching a CPN or a PSPO can be at most £500; a breach committed "
        "before commencement is fined at the amounts in effect on the day of the breach.",
        effective_from=None,
        commencement_key="cpa2026-fpn-cap",
        enforced_in=("enforcement.services.offence_code_problems", "enforcement.services.issue_fpn"),
        tests=(
            C + "test_the_500_pound_cap_applies_from_its_commencement_date",
            V + "test_a_breach_before_the_500_pound_cap_commenced_is_fined_at_the_amounts_then_in_force",
        ),
    ),
    Rule(
        "fpn.early_payment_days_under",
        14,
        "days (the period must be shorter)",
        f"s52(8) and s68 of the {ACT_2014}",
        "The lower amount may be offered only for payment within a period of less than 14 days, so a 14-day "
        "discount period is refused, and the last day of the discount is never moved past the 13th day.",
        enforced_in=("enforcement.services.offence_code_problems", "enforcement.services.fpn_payment_dates"),
        tests=(
            T + "test_an_early_payment_period_of_14_days_is_refused_for_cpn_and_pspo_breaches",
            V + "test_the_discount_date_is_never_moved_past_the_13th_day_for_cpn_and_pspo_breaches",
        ),
    ),
    Rule(
        "fpn.no_proceedings_days",
        14,
        "days",
        f"s52(5)(a) and s68(4) of the {ACT_2014}",
        "No proceedings for the offence before the end of the 14 days following the date of the notice (issued "
        "3 June: proceedings from 18 June), so the payment period is at least 14 days.",
        enforced_in=(
            "enforcement.services.offence_code_problems",
            "enforcement.services.fpn_payment_dates",
            "enforcement.services.list_fpn_for_prosecution",
        ),
        tests=(
            R + "test_unpaid_notice_cannot_be_listed_for_prosecution_early",
            V + "test_proceedings_may_start_only_after_the_14_days_following_the_notice",
        ),
    ),
    # --- Public Spaces Protection Orders ------------------------------------------------------------------
    Rule(
        "pspo.makers",
        ("council",),
        "agency kinds",
        f"s59 of the {ACT_2014}",
        "A PSPO is made by a local authority.",
        enforced_in=("enforcement.services.make_pspo",),
        tests=(R + "test_only_a_council_makes_a_pspo_after_consultation",),
    ),
    Rule(
        "pspo.max_years",
        3,
        "years",
        f"s60(1) of the {ACT_2014}",
        "A PSPO lasts at most 3 years.",
        enforced_in=("enforcement.services.make_pspo",),
        tests=(R + "test_pspo_lasts_at_most_3_years",),
    ),
    Rule(
        "pspo.extension_max_years",
        3,
        "years",
        f"s60(3)(a) of the {ACT_2014}",
        "Each extension of a PSPO is for at most 3 years more.",
        enforced_in=("enforcement.services.extend_pspo",),
        tests=(R + "test_pspo_extension_is_at_most_3_years_and_recorded",),
    ),
    # --- Closure powers -----------------------------------------------------------------------------------
    Rule(
        "closure.notice_issuers",
        ("police", "council"),
        "agency kinds",
        f"s76(1) of the {ACT_2014}",
        "A closure notice is issued by a police officer of at least the rank of inspector, or by the council.",
        enforced_in=("enforcement.services.issue_closure_notice",),
        tests=(R + "test_only_the_police_or_council_issue_closure_notices",),
    ),
    Rule(
        "closure.notice_issuers",
        ("police", "council", "housing"),
        "agency kinds",
        f"s76(1) of the {ACT_2014}, as amended by the {CPA_2026}",
        "From commencement, a registered housing provider may also issue a closure notice for premises it owns "
        "or manages, authorised by a member of its senior management.",
        effective_from=None,
        commencement_key="cpa2026-housing-provider-closure",
        enforced_in=("enforcement.services.issue_closure_notice",),
        tests=(C + "test_a_housing_provider_issues_closure_notices_only_from_commencement",),
    ),
    Rule(
        "closure.notice_authorised_by",
        {"police": "police_inspector", "council": "council"},
        "issuing agency kind: authority",
        f"s76(1) of the {ACT_2014}",
        "Who authorises a closure notice: for the police an officer of the rank of inspector or above, for the "
        "council an authorised officer.",
        enforced_in=("enforcement.services.issue_closure_notice",),
        tests=(R + "test_only_the_police_or_council_issue_closure_notices",),
    ),
    Rule(
        "closure.notice_authorised_by",
        {"police": "police_inspector", "council": "council", "housing": "housing_senior_manager"},
        "issuing agency kind: authority",
        f"s76(1) of the {ACT_2014}, as amended by the {CPA_2026}",
        "From commencement, a registered housing provider's closure notice is authorised by a member of its "
        "senior management.",
        effective_from=None,
        commencement_key="cpa2026-housing-provider-closure",
        enforced_in=("enforcement.services.issue_closure_notice",),
        tests=(C + "test_a_housing_provider_issues_closure_notices_only_from_commencement",),
    ),
    Rule(
        "closure.extension_authorised_by",
        {
            "police": "police_superintendent",
            "council": "council_chief_executive",
            "housing": "housing_senior_manager",
        },
        "issuing agency kind: authority",
        f"s77(2) of the {ACT_2014} (registered providers as amended by the {CPA_2026})",
        "Who authorises extending a closure notice: a police superintendent or above, the council's chief "
        "executive officer or their delegate, or (once they may issue notices) a registered housing provider's "
        "senior management.",
        enforced_in=("enforcement.services.extend_closure_notice",),
        tests=(R + "test_closure_notice_extends_to_at_most_48_hours_by_a_senior_officer",),
    ),
    Rule(
        "closure.notice_max_hours",
        24,
        "hours",
        f"s77(1) of the {ACT_2014}",
        "A closure notice lasts at most 24 hours unless extended.",
        enforced_in=("enforcement.services.issue_closure_notice",),
        tests=(R + "test_closure_notice_lasts_at_most_24_hours",),
    ),
    Rule(
        "closure.notice_extended_max_hours",
        48,
        "hours",
        f"s77(2) of the {ACT_2014}",
        "A closure notice can be extended to last at most 48 hours in all, by a police superintendent or the "
        "council's chief executive or their delegate.",
        enforced_in=("enforcement.services.extend_closure_notice",),
        tests=(R + "test_closure_notice_extends_to_at_most_48_hours_by_a_senior_officer",),
    ),
    Rule(
        "closure.hearing_within_hours",
        48,
        "hours, Christmas Day disregarded",
        f"s80(3)-(4) of the {ACT_2014}",
        "The magistrates' court hears the closure order application within 48 hours of service of the notice, "
        "Christmas Day disregarded.",
        enforced_in=("enforcement.services.issue_closure_notice", "enforcement.services.grant_closure_order"),
        tests=(
            R + "test_closure_hearing_after_48_hours_is_refused",
            R + "test_closure_hearing_window_disregards_christmas_day",
        ),
    ),
    Rule(
        "closure.adjournment_max_days",
        14,
        "days",
        f"s81(3) of the {ACT_2014}",
        "The court may adjourn the hearing for at most 14 days at a time.",
        enforced_in=("enforcement.services.adjourn_closure_hearing",),
        tests=("tests/enforcement/test_adjournment.py",),
    ),
    Rule(
        "closure.order_max_months",
        3,
        "months",
        f"s80(6) of the {ACT_2014}",
        "A closure order lasts at most 3 months.",
        enforced_in=("enforcement.services.grant_closure_order",),
        tests=(R + "test_closure_order_lasts_at_most_3_months",),
    ),
    Rule(
        "closure.order_total_max_months",
        6,
        "months",
        f"s82(4) of the {ACT_2014}",
        "With extensions, a closure order never lasts more than 6 months in all.",
        enforced_in=("enforcement.services.extend_closure_order", "enforcement.services.vary_order"),
        tests=(R + "test_closure_order_extensions_never_go_beyond_6_months_in_all",),
    ),
    Rule(
        "closure.order_appeal_days",
        21,
        "days beginning with the day of the decision",
        f"s84(5) of the {ACT_2014}",
        "An appeal against a closure order decision is made to the Crown Court within 21 days beginning with "
        "the day the decision was made (made 2 June: the last day is 22 June).",
        enforced_in=("enforcement.services.grant_closure_order",),
        tests=(T + "test_a_closure_order_appeal_runs_21_days_beginning_with_the_day_of_the_decision",),
    ),
    # --- Criminal Behaviour Orders ------------------------------------------------------------------------
    Rule(
        "cbo.citation",
        f"s22 of the {ACT_2014}",
        "citation",
        f"s22 of the {ACT_2014}",
        "A CBO made on a conviction before 1 December 2020 is made under s22 of the 2014 Act.",
        effective_to=date(2020, 11, 30),
        enforced_in=("enforcement.services.record_cbo", "enforcement.presenters.court_order_rows"),
        tests=("tests/statutory/test_cbo_citation.py",),
    ),
    Rule(
        "cbo.citation",
        "s330 of the Sentencing Act 2020 (the Sentencing Code)",
        "citation",
        f"s330 onwards of the {SENTENCING_CODE}",
        "A CBO made on a conviction on or after 1 December 2020 is made under the Sentencing Code.",
        effective_from=SENTENCING_CODE_IN_FORCE,
        enforced_in=("enforcement.services.record_cbo", "enforcement.presenters.court_order_rows"),
        tests=("tests/statutory/test_cbo_citation.py",),
    ),
    Rule(
        "cbo.takes_effect_on_the_day_made",
        True,
        "condition",
        f"s25(1)-(2) of the {ACT_2014}; s343 of the {SENTENCING_CODE}",
        "A CBO takes effect on the day it is made, unless the offender is subject to another CBO that day, when it "
        "may take effect the day that order ends.",
        enforced_in=("enforcement.services.record_cbo",),
        tests=(
            V + "test_a_cbo_takes_effect_on_the_day_it_is_made",
            V + "test_a_cbo_may_take_effect_when_the_offenders_previous_cbo_ends",
        ),
    ),
    Rule(
        "cbo.adult_min_years",
        2,
        "years (or indefinite)",
        f"s25(5) of the {ACT_2014}; s343 of the {SENTENCING_CODE}",
        "A CBO on an adult lasts at least 2 years, or is indefinite.",
        enforced_in=("enforcement.services.record_cbo", "enforcement.services.vary_order"),
        tests=(T + "test_an_adult_cbo_lasts_at_least_2_years_or_is_indefinite",),
    ),
    Rule(
        "cbo.youth_min_years",
        1,
        "years",
        f"s25(4) of the {ACT_2014}; s343 of the {SENTENCING_CODE}",
        "A CBO on someone under 18 lasts at least 1 year.",
        enforced_in=("enforcement.services.record_cbo", "enforcement.services.vary_order"),
        tests=(R + "test_under_18_cbo_lasts_1_to_3_years_with_annual_review",),
    ),
    Rule(
        "cbo.youth_max_years",
        3,
        "years",
        f"s25(4) of the {ACT_2014}; s343 of the {SENTENCING_CODE}",
        "A CBO on someone under 18 lasts at most 3 years.",
        enforced_in=("enforcement.services.record_cbo", "enforcement.services.vary_order"),
        tests=(R + "test_under_18_cbo_lasts_1_to_3_years_with_annual_review",),
    ),
    Rule(
        "order.youth_review_months",
        12,
        "months",
        f"s28(1)-(2) of the {ACT_2014} (CBOs; applied to injunctions and Respect Orders on under-18s as local "
        "practice)",
        "An order on someone under 18 is reviewed before the end of each review period of 12 months beginning "
        "with the day it took effect (made 1 April 2024: by 31 March 2025), the next period beginning the day "
        "after; a variation starts a new period; no review is due if they will be 18 by the period's end.",
        enforced_in=(
            "enforcement.services.record_cbo",
            "enforcement.services.record_review",
            "enforcement.services.vary_order",
        ),
        tests=(
            R + "test_under_18_cbo_lasts_1_to_3_years_with_annual_review",
            V + "test_the_first_review_is_due_by_the_last_day_of_the_12_months_beginning_with_the_order",
            V + "test_after_a_review_the_next_is_due_by_the_end_of_the_next_review_period",
            V + "test_no_review_is_due_when_the_subject_is_18_by_the_end_of_the_review_period",
        ),
    ),
    Rule(
        "adult_age",
        18,
        "years of age",
        f"s1(6), s25 and s28 of the {ACT_2014}",
        "The under-18 rules apply to a person under 18 on the day the order is made.",
        enforced_in=("enforcement.services.record_cbo", "enforcement.services.record_injunction"),
        tests=(R + "test_an_18th_birthday_on_the_day_the_order_is_made_makes_an_adult_order",),
    ),
    # --- Civil injunctions and Respect Orders -------------------------------------------------------------
    Rule(
        "injunction.min_age",
        10,
        "years of age",
        f"s1(1) of the {ACT_2014}",
        "An injunction may be granted only against a person aged 10 or over.",
        enforced_in=("enforcement.services.record_injunction",),
        tests=(T + "test_a_civil_injunction_respondent_must_be_10_or_over",),
    ),
    Rule(
        "injunction.youth_max_months",
        12,
        "months",
        f"s1(6) of the {ACT_2014}",
        "An injunction against someone under 18 lasts at most 12 months.",
        enforced_in=("enforcement.services.record_injunction", "enforcement.services.vary_order"),
        tests=(R + "test_under_18_injunction_lasts_at_most_12_months",),
    ),
    Rule(
        "injunction.power_of_arrest_ground",
        True,
        "condition",
        f"s4(1) of the {ACT_2014}",
        "A power of arrest may be attached to an injunction's prohibition or requirement only if the court thinks "
        "the behaviour consists of or includes the use or threatened use of violence against other persons, or "
        "there is a significant risk of harm to other persons from the respondent: the ground the court found is "
        "recorded with the power of arrest (injunctions recorded before it was asked for show it as not recorded).",
        enforced_in=("enforcement.services.record_injunction",),
        tests=(
            P + "test_a_power_of_arrest_needs_the_s4_1_ground_the_court_found",
            P + "test_the_form_asks_for_the_ground_and_the_order_page_shows_it",
        ),
    ),
    Rule(
        "injunction.adults_by_respect_order",
        False,
        "flag",
        f"s1 of the {ACT_2014}",
        "Civil injunctions may be made against adults.",
        enforced_in=("enforcement.services.record_injunction",),
        tests=(C + "test_respect_orders_replace_adult_injunctions_from_commencement",),
    ),
    Rule(
        "injunction.adults_by_respect_order",
        True,
        "flag",
        f"Part A1 of the {ACT_2014}, inserted by the {CPA_2026}",
        "From commencement, a Respect Order replaces the civil injunction for adults (18 or over); under-18s "
        "keep injunctions. Orders made before commencement stay in force.",
        effective_from=None,
        commencement_key="cpa2026-respect-orders",
        enforced_in=("enforcement.services.record_injunction", "enforcement.services.record_respect_order"),
        tests=(C + "test_respect_orders_replace_adult_injunctions_from_commencement",),
    ),
    Rule(
        "respect_order.min_age",
        18,
        "years of age",
        f"Part A1 of the {ACT_2014}, inserted by the {CPA_2026}",
        "A Respect Order may be made only against a person aged 18 or over.",
        effective_from=None,
        commencement_key="cpa2026-respect-orders",
        enforced_in=("enforcement.services.record_respect_order",),
        tests=(C + "test_respect_orders_replace_adult_injunctions_from_commencement",),
    ),
    Rule(
        "injunction.risk_assessment_required",
        False,
        "flag",
        f"s1 of the {ACT_2014}",
        "No statutory risk assessment before applying for an injunction.",
        enforced_in=("enforcement.services.record_injunction",),
        tests=(C + "test_a_risk_assessment_is_needed_before_applying_from_commencement",),
    ),
    Rule(
        "injunction.risk_assessment_required",
        True,
        "flag",
        f"{CPA_2026} (Respect Orders, youth and housing injunctions)",
        "From commencement, an application for an injunction or a Respect Order needs a recorded risk "
        "assessment of the respondent (vulnerabilities, risk of harm, alternatives, other matters).",
        effective_from=None,
        commencement_key="cpa2026-injunction-risk-assessment",
        enforced_in=("enforcement.services.record_injunction", "enforcement.services.record_respect_order"),
        tests=(C + "test_a_risk_assessment_is_needed_before_applying_from_commencement",),
    ),
    # --- ASB Case Review ----------------------------------------------------------------------------------
    Rule(
        "case_review.max_threshold_complaints",
        3,
        "complaints",
        f"s104 of the {ACT_2014}",
        "The local threshold for a Case Review may be no higher than three complaints in the period.",
        enforced_in=("triggers.threshold.Rules.from_settings",),
        tests=(
            "tests/triggers/test_threshold.py::test_a_local_threshold_above_the_statutory_three_complaints_is_capped",
        ),
    ),
    Rule(
        "case_review.window_months",
        6,
        "months, by the date each complaint was made",
        f"s104 of the {ACT_2014}",
        "Complaints count when made in the six months before the application, by the date each complaint was "
        "made, not the date of the behaviour (behaviour on 10 May reported on 1 June is inside a window that "
        "starts on 20 May).",
        enforced_in=("triggers.threshold.evaluate",),
        tests=("tests/triggers/test_complaint_dates.py::test_behaviour_before_the_window_reported_inside_it_counts",),
    ),
    Rule(
        "case_review.reported_within_months",
        1,
        "months",
        f"s104 of the {ACT_2014} and the statutory guidance",
        "Each complaint counts only if made within one month of the behaviour.",
        enforced_in=("triggers.threshold.evaluate",),
        tests=(
            "tests/triggers/test_threshold.py::test_a_complaint_reported_32_days_after_the_incident_does_not_count",
        ),
    ),
    Rule(
        "case_review.explain_at_second_report_months",
        6,
        "months between two reports by the same victim",
        "Anti-social behaviour powers: statutory guidance for frontline professionals (revised July 2025, "
        f"published 17 September 2025), ASB Case Review, under the {ACT_2014}",
        "Every victim who reports ASB a second time within six months, to any agency, is told about the ASB Case "
        "Review, whatever the local threshold (source: research-2026.md section 2.2).",
        effective_from=date(2025, 9, 17),
        enforced_in=("casework.victim.second_reports",),
        tests=(
            "tests/casework/test_victim_journey.py::"
            "test_a_victims_second_report_in_six_months_prompts_the_case_review_explanation",
        ),
    ),
    Rule(
        "case_review.pcc_review",
        False,
        "flag",
        f"s104 of the {ACT_2014}",
        "An applicant unhappy with a Case Review escalates it through the local procedure.",
        enforced_in=("triggers.services.request_escalation",),
        tests=("tests/triggers/test_pcc_review.py::test_the_applicant_asks_the_pcc_to_review_only_from_commencement",),
    ),
    Rule(
        "case_review.pcc_review",
        True,
        "flag",
        f"s104 of the {ACT_2014}, as amended by the {CPA_2026}",
        "From commencement, the applicant may ask the local policing body (PCC) to review the Case Review.",
        effective_from=None,
        commencement_key="cpa2026-pcc-case-review",
        enforced_in=("triggers.services.request_escalation",),
        tests=("tests/triggers/test_pcc_review.py::test_the_applicant_asks_the_pcc_to_review_only_from_commencement",),
    ),
)


@dataclass(frozen=True)
class Correction:
    """A rule found wrong in a review and corrected: what changed, by which words of the statute, before and after."""

    key: str
    statute: str
    before: str
    after: str
    test: str


# The rules review of December 2026 (every rule above checked against the Act's wording at its boundary day).
CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        "fpn.no_proceedings_days",
        's52(5)(a) and s68(4): no proceedings "before the end of the period of 14 days following the date of '
        'the notice"',
        "the 14th day after issue was stored and printed as the first day of proceedings (issued 3 June: "
        '"no proceedings before 17 June"), and listing for prosecution on that day was allowed when the '
        "payment period had ended",
        "the first day is the 15th day after issue (issued 3 June: from 18 June); the service also counts it from "
        "the day of issue, so notices recorded earlier with the old date are refused on the 14th day too",
        V + "test_proceedings_may_start_only_after_the_14_days_following_the_notice",
    ),
    Correction(
        "fpn.early_payment_days_under",
        's52(8) and s68: the lower amount if paid "within a specified period (of less than 14 days)"',
        "for CPN and PSPO breaches (CST08, CST09) a 13th day falling at a weekend or on a bank holiday was moved "
        "to the next working day, offering the discount for 14 days or more (issued Monday 2 December 2024: "
        "until 16 December)",
        "the discount's last day is never moved past the 13th day (until 15 December); other codes and the "
        "full payment date still move to the next working day",
        V + "test_the_discount_date_is_never_moved_past_the_13th_day_for_cpn_and_pspo_breaches",
    ),
    Correction(
        "order.youth_review_months",
        's28(1)-(2) (CBOs; s348 of the Sentencing Code): a review before the end of each "period of 12 months '
        'beginning with" the day the order takes effect, or is varied, the next beginning the day after; only if '
        "the subject will be under 18 at the end of the period",
        "first review due on the anniversary (made 1 April 2024: 1 April 2025), the next 12 months after the day "
        "of each review, unchanged by a variation, and due even when the subject would be 18 by then",
        "due by the last day of the period (31 March 2025); the periods run on from the order (a review on "
        "1 December 2024: next by 31 March 2026); a variation starts a new period; none due once the subject will "
        "be 18 at the period's end",
        V + "test_the_first_review_is_due_by_the_last_day_of_the_12_months_beginning_with_the_order",
    ),
    Correction(
        "cbo.takes_effect_on_the_day_made",
        's25(1)-(2): a CBO "takes effect on the day it is made", or, if the offender is subject to another CBO, '
        "on the day that one ceases to have effect",
        "any start date on or after the day the order was made was accepted",
        "a start date other than the day it is made is refused unless the offender's CBO in force that day ends then",
        V + "test_a_cbo_takes_effect_on_the_day_it_is_made",
    ),
    Correction(
        "fpn.cpn_pspo_max_amount",
        "the £500 cap (Crime and Policing Act 2026, amending s52(7) and s68) read with Article 7 ECHR: no heavier "
        "penalty than the one applicable when the offence was committed",
        "the amounts came from the offence code in effect on the day of issue, so a breach committed before the "
        "£500 cap commenced but fined after it would be charged £500",
        "for CPN and PSPO breaches, when the issue-day amount exceeds the cap in force on the day of the breach, the "
        "amounts in effect on the day of the breach are used (£100); if none fit that cap the notice is refused",
        V + "test_a_breach_before_the_500_pound_cap_commenced_is_fined_at_the_amounts_then_in_force",
    ),
    Correction(
        "pspo.extension_max_years",
        's60(3)(a): an extension "may not be for a period of more than 3 years" (s60(2) is the power to extend '
        "before expiry)",
        "cited as s60(2)",
        "cited as s60(3)(a)",
        R + "test_pspo_extension_is_at_most_3_years_and_recorded",
    ),
    Correction(
        "cbo.youth_min_years",
        "s25(4): an order made before the offender is 18 is for 1 to 3 years; s25(5) is the adult rule",
        "the under-18 limits cited as s25(5)",
        "cited as s25(4) (cbo.youth_min_years, cbo.youth_max_years and the refusal)",
        R + "test_under_18_cbo_lasts_1_to_3_years_with_annual_review",
    ),
)
