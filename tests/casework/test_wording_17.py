"""Wording (#17): one error for one bad upload; postcodes shown as people write them, everywhere."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from casework import services
from common.postcodes import format_postcode


def test_a_bad_upload_gives_one_error(client, case, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile("notes.txt", b"just some text, not a PDF")
    response = client.post(
        f"/cases/{case.reference}/evidence/add/", {"kind": "photo", "description": "Photo", "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("The selected file must be a PDF, JPEG, PNG or Word document") == 2  # summary + field
    assert "Choose a file, or give an external reference" not in body


def test_no_file_and_no_reference_still_says_choose_a_file(client, case, officer):
    client.force_login(officer)
    response = client.post(f"/cases/{case.reference}/evidence/add/", {"kind": "photo", "description": "Photo"})
    assert "Choose a file, or give an external reference" in response.content.decode()


def test_one_postcode_formatter_for_stored_and_shown_postcodes(db, officer, ward):
    assert [format_postcode(p) for p in ("NW95XX", "nw9 5xx", " NW9  5XX ", "ha80ad", "N1")] == [
        "NW9 5XX",
        "NW9 5XX",
        "NW9 5XX",
        "HA8 0AD",
        "N1",
    ]
    assert Template("{{ p|postcode }}").render(Context({"p": "nw95xx"})) == "NW9 5XX"
    address = services.create_address(by=officer, line1="1 High Street", postcode="nw95xx", ward=ward)
    assert str(address).endswith("NW9 5XX")
    address.postcode = "NW95XX"  # an older row stored without the space is still shown with it
    assert str(address).endswith("NW9 5XX")


def test_the_case_summary_shows_the_postcode_with_its_space(client, case, officer, ward):
    case.address = services.create_address(by=officer, line1="1 High Street", postcode="NW9 5XX", ward=ward)
    case.save()
    type(case.address).objects.filter(pk=case.address.pk).update(postcode="NW95XX")
    client.force_login(officer)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert "cases at NW9 5XX" in body and "NW95XX<" not in body
