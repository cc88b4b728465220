"""Hooks through which apps that build on casework add to its screens without casework importing them.

Dependencies point one way (enforcement, marac, triggers -> casework); these registries let those apps put
a tab on the case page and a section on "My work" from their AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class WorkItem:
    text: str
    href: str
    due: date | None = None
    overdue: bool = False


@dataclass
class WorkSection:
    title: str
    items: list[WorkItem] = field(default_factory=list)
    empty: str = "Nothing due."


CASE_TABS: list[tuple[str, str]] = []
MY_WORK_PROVIDERS: list[Callable[..., list[WorkSection]]] = []
ACTION_SOURCES: list[tuple[str, str]] = []
HISTORY_SOURCES: list[tuple[str, Callable]] = []
LEGAL_BASIS_SOURCES: list[Callable[..., list[tuple[str, str, str]]]] = []


def register_legal_basis_source(source: Callable[..., list[tuple[str, str, str]]]) -> None:
    """`source(on=date)` returns the lawful bases in force that day as (code, label, explanation)."""
    if source not in LEGAL_BASIS_SOURCES:
        LEGAL_BASIS_SOURCES.append(source)


def legal_bases_in_force(*, on: date) -> list[tuple[str, str, str]] | None:
    """The maintained list (governance app), or None when no app maintains one."""
    return LEGAL_BASIS_SOURCES[0](on=on) if LEGAL_BASIS_SOURCES else None


@dataclass(frozen=True)
class AccessPurpose:
    """One of an agency's processing purposes in force (governance.AgencyPurpose), offered when a user
    says why they are opening a case."""

    key: str
    label: str
    regime: str
    law_enforcement: bool


ACCESS_PURPOSE_SOURCES: list[Callable[..., list[AccessPurpose]]] = []


def register_access_purpose_source(source: Callable[..., list[AccessPurpose]]) -> None:
    """`source(agency_id=..., on=date)` returns the agency's processing purposes in force that day."""
    if source not in ACCESS_PURPOSE_SOURCES:
        ACCESS_PURPOSE_SOURCES.append(source)


def access_purposes(*, agency_id: int, on: date) -> list[AccessPurpose]:
    return ACCESS_PURPOSE_SOURCES[0](agency_id=agency_id, on=on) if ACCESS_PURPOSE_SOURCES else []


def register_case_tab(label: str, url_name: str) -> None:
    """A tab on every case page; `url_name` takes the case reference as its only argument."""
    if (label, url_name) not in CASE_TABS:
        CASE_TABS.append((label, url_name))


def register_my_work(provider: Callable[..., list[WorkSection]]) -> None:
    """`provider(user=..., today=..., work=...)` returns sections for "My work", already permission-filtered;
    `work` is what the page has read already (casework.selectors.MyWork: the user's open cases, their actions),
    or None when a section is asked for on its own, so a section need not read it again (issue 23)."""
    if provider not in MY_WORK_PROVIDERS:
        MY_WORK_PROVIDERS.append(provider)


def register_history_source(label: str, history_of_case: Callable) -> None:
    """`history_of_case(case)` returns a simple-history queryset of the app's records on that case, merged
    into the case timeline under `label` (one query per source, whatever the number of records)."""
    if label not in {existing for existing, _ in HISTORY_SOURCES}:
        HISTORY_SOURCES.append((label, history_of_case))


def register_action_source(relation: str, label: str) -> None:
    """Actions with `relation` (a reverse one-to-one from the app's link model) are labelled `label`
    on "My work", so an owner can tell an action agreed at a panel from one set on the case."""
    if (relation, label) not in ACTION_SOURCES:
        ACTION_SOURCES.append((relation, label))


def label_action_sources(actions) -> None:
    """Set `source_label` on each action fetched with select_related(*action_source_relations())."""
    for action in actions:
        action.source_label = next((label for rel, label in ACTION_SOURCES if hasattr(action, rel)), "")


def action_source_relations() -> list[str]:
    return [relation for relation, _ in ACTION_SOURCES]


def my_work_sections(*, user, today: date, work=None) -> list[WorkSection]:
    sections: list[WorkSection] = []
    for provider in MY_WORK_PROVIDERS:
        sections.extend(provider(user=user, today=today, work=work))
    return sections


EVENT_HANDLERS: list[Callable[..., None]] = []


def register_event_handler(handler: Callable[..., None]) -> None:
    """`handler(event, **payload)` hears what services announce (the notifications app subscribes)."""
    if handler not in EVENT_HANDLERS:
        EVENT_HANDLERS.append(handler)


def emit(event: str, **payload) -> None:
    """Announce something that happened. Services call this inside their own transaction, so whatever a handler
    writes (a notification, a queued email) commits or rolls back with the change itself."""
    for handler in EVENT_HANDLERS:
        handler(event, **payload)
