"""Findings of the attacker's review (secreview7), one test (or a few) each; each failed before its fix."""

from django.urls import reverse

from casework import access
from tests.conftest import login
from tests.factories import UserFactory
from tests.security.conftest import body_of


def test_a_superuser_without_an_agency_sees_no_case_and_no_role_screen(client, shared_case):
    """Django's superuser flag answers every has_perm with yes: it must not be a way round case access (a superuser
    signs in to the admin site, like an Administrator, and sees cases only as their agency does)."""
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert not access.sees_all_cases(boss)
    assert not access.visible_cases(boss).exists()
    assert not access.has_permission(boss, "casework.view_all_cases")
    login(client, boss)
    assert client.get(reverse("casework:case_detail", args=[shared_case.reference])).status_code == 404
    for url in (
        reverse("casework:case_list"),
        reverse("casework:case_export"),
        "/api/v1/cases/",
        f"/api/v1/cases/{shared_case.reference}/",
    ):
        response = client.get(url)
        assert shared_case.reference.encode() not in body_of(response), url
    for url in ("/audit/", "/governance/", "/reports/", "/reports/dashboard.csv", "/notifications/deliveries/"):
        assert client.get(url).status_code == 403, url
    # the admin site is still theirs
    assert client.get("/admin/").status_code == 200


def test_the_delivery_log_never_shows_a_member_of_the_publics_address_or_message(
    client, case, officer, police, django_capture_on_commit_callbacks
):
    """Administrators of every agency read the delivery log; a victim's update, the closure letter (with its one-use
    survey link) and a Case Review outcome letter are case data, and the victim's address their identity: the log
    shows that a message to a member of the public was sent, never to whom or what it said."""
    from casework import roles, victim
    from casework.models import ContactChannel, PartyRole
    from notifications.models import Delivery, Event
    from tests.factories import make_member

    party = case.parties.get(role=PartyRole.VICTIM)
    party.person.email = "maria.hidden@example.org"
    party.person.save()
    victim.set_contact_plan(case=case, party=party, by=officer, every_days=7, channel=ContactChannel.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        victim.send_update(case=case, party=party, by=officer, message="The visit to Flat 4 is booked for Friday.")
    [delivery] = Delivery.objects.filter(event=Event.VICTIM_UPDATE)
    Delivery.objects.filter(pk=delivery.pk).update(
        status="failed", last_error="550 <maria.hidden@example.org>: mailbox unavailable"
    )
    met_admin = make_member(police, roles.ADMINISTRATOR, "met-admin")
    login(client, met_admin)
    log = client.get(reverse("notifications:delivery_log")).content.decode()
    detail = client.get(reverse("notifications:delivery_detail", args=[delivery.pk])).content.decode()
    searched = client.get(reverse("notifications:delivery_log"), {"q": "maria.hidden"}).content.decode()
    for page in (log, detail, searched):
        assert "maria.hidden@example.org" not in page and "Flat 4" not in page
    assert "member of the public" in log and "member of the public" in detail
    assert "mailbox unavailable" in detail  # what went wrong is still there to act on
    assert "No messages match." in searched
    # sending it again still works, and the message is unchanged
    assert client.post(reverse("notifications:delivery_retry", args=[delivery.pk])).status_code == 302
    delivery.refresh_from_db()
    assert delivery.recipient == "maria.hidden@example.org" and "Flat 4" in delivery.body


def test_a_do_not_disclose_entry_never_names_a_person_the_user_cannot_see(client, case, officer, police):
    """A victim named on two agencies' cases shares one do-not-disclose list (it follows the person, by design); the
    safety page of one case named the person the victim hides from on the other agency's case, whom its lead cannot
    find anywhere (docs/permissions.md: nobody is shown a person they could not already find)."""
    from casework import roles, safety, services
    from casework.models import PartyRole
    from tests.factories import CaseFactory, make_member

    police_officer = make_member(police, roles.ENFORCEMENT_OFFICER, "met-officer")
    ours = case.parties.get(role=PartyRole.VICTIM)
    theirs_case = CaseFactory(by=police_officer, title="Harassment at the flats")
    theirs = services.add_party(case=theirs_case, by=police_officer, role=PartyRole.VICTIM, person=ours.person)
    hunter = services.create_person(by=police_officer, first_name="Gideon", last_name="Farrowmere")
    services.add_party(case=theirs_case, by=police_officer, role=PartyRole.PERSON_CAUSING_HARM, person=hunter)
    safety.add_do_not_disclose(party=theirs, by=police_officer, withheld_from_person=hunter, reason="Fled him")
    loud = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM).person
    safety.add_do_not_disclose(party=ours, by=officer, withheld_from_person=loud, reason="Our own entry")
    login(client, officer)
    page = client.get(reverse("casework:party_safety", args=[case.reference, ours.pk])).content.decode()
    ending = client.get(reverse("casework:do_not_disclose_end", args=[case.reference, ours.pk])).content.decode()
    for shown in (page, ending):
        assert "Farrowmere" not in shown and "Gideon" not in shown
        assert "Kevin Loud" in shown and "someone on a case you cannot see" in shown
    # the police lead, who can see both people on its case, still sees both names
    login(client, police_officer)
    page = client.get(reverse("casework:party_safety", args=[theirs_case.reference, theirs.pk])).content.decode()
    assert "Gideon Farrowmere" in page and "someone on a case you cannot see" in page  # Kevin Loud is the council's
    assert "Kevin Loud" not in page


def test_a_superuser_or_staff_account_outside_the_administrator_role_must_set_up_two_factor(client, settings, db):
    """Two-factor was required by role group only: a superuser made with `createsuperuser` (or a staff account
    given admin rights one by one) signed in to the admin site with a password alone."""
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": False}
    for account in (UserFactory(is_superuser=True, is_staff=True), UserFactory(is_staff=True)):
        login(client, account)
        for url in ("/admin/", "/cases/"):
            response = client.get(url)
            assert response.status_code == 302, (account, url)
            assert response["Location"].startswith("/accounts/two-factor/set-up/"), (account, url)
    login(client, UserFactory())  # an account with no role and no admin login may still choose
    assert client.get("/cases/").status_code == 200


def test_a_prepared_export_is_not_downloaded_after_a_case_in_it_is_unshared(
    client, shared_case, officer, housing_user, barnet_homes, run_jobs, django_capture_on_commit_callbacks
):
    """A background export is kept for days; a partner whose share was revoked in the meantime downloaded the
    case's row all the same (every other way to the case was already a 404)."""
    from casework import exports, services
    from casework.models import CaseShare, ExportStatus

    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(user=housing_user, query="")
    run_jobs()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows == 1
    login(client, housing_user)
    assert client.get(f"/cases/exports/{export.public_id}/").status_code == 200  # while it is shared
    share = CaseShare.objects.get(case=shared_case, agency=barnet_homes, revoked_at__isnull=True)
    services.revoke_share(share=share, by=officer, reason="Tenancy matter closed")
    download = client.get(f"/cases/exports/{export.public_id}/")
    assert download.status_code == 404
    assert shared_case.reference.encode() not in body_of(download)
    assert "unshared with your agency" in client.get("/cases/exports/").content.decode()  # the list says why it went
