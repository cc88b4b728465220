"""The victim risk questionnaire.

Modelled on the ASB risk assessment matrices used by community safety partnerships (Home Office
ASB victim-centred approach): yes/no questions about vulnerability, impact and targeting, weighted,
plus repeat victimisation. A "critical" yes makes the risk high whatever the score, so a victim who
has thought about self-harm is never filed as standard. Weights and thresholds are settings.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    weight: int
    critical: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "targeted_identity",
        "Is the victim targeted because of who they are (race, religion, disability, "
        "sexual orientation, transgender identity)?",
        3,
    ),
    Question("violence", "Has the victim been threatened with or subjected to violence?", 3),
    Question("self_harm", "Has the victim had thoughts of self-harm or suicide because of the ASB?", 0, critical=True),
    Question("disability", "Does the victim have a disability, long-term illness or mental health condition?", 2),
    Question("health_impact", "Is the ASB affecting the victim's physical or mental health?", 2),
    Question("fear_home", "Is the victim afraid to leave or to stay in their home?", 2),
    Question("age_vulnerable", "Is the victim aged under 18 or over 65, or otherwise vulnerable?", 1),
    Question("isolated", "Does the victim feel isolated or without support from family or friends?", 1),
    Question("moving", "Has the victim considered moving home because of the ASB?", 1),
    Question("property_damage", "Has the victim's home or property been damaged?", 1),
    Question("children_affected", "Are children in the household affected?", 1),
    Question("previous_reports_unresolved", "Have earlier reports to any agency gone unresolved?", 1),
)


def thresholds() -> dict[str, int]:
    defaults = {"MEDIUM": 6, "HIGH": 12, "REPEAT_MEDIUM": 3, "REPEAT_HIGH": 6}
    return {**defaults, **getattr(settings, "CASEWORK", {}).get("RISK_THRESHOLDS", {})}


def score(answers: dict[str, bool], repeat_victimisation_count: int) -> tuple[int, str, list[str]]:
    """Return (score, level, reasons) for a set of answers."""
    limits = thresholds()
    total = 0
    reasons: list[str] = []
    critical = False
    for question in QUESTIONS:
        if answers.get(question.key):
            total += question.weight
            critical = critical or question.critical
            reasons.append(question.text)
    if repeat_victimisation_count >= limits["REPEAT_HIGH"]:
        total += 3
    elif repeat_victimisation_count >= limits["REPEAT_MEDIUM"]:
        total += 2
    if critical or total >= limits["HIGH"]:
        level = "high"
    elif total >= limits["MEDIUM"]:
        level = "medium"
    else:
        level = "standard"
    return total, level, reasons
