"""What a first-time donor, NGO representative or visitor meets (issue 15's defects)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import need_fields, offer_fields
from tests.helpers import sign_in
from web.matches.run_worker import work_once

ROOT = Path(__file__).resolve().parent.parent


def field_errors(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<p class="error"[^>]*>([^<]*)</p>', html)]


@pytest.mark.parametrize(
    ("kind", "path", "language", "message"),
    [
        ("individual", "/offers/new", "en", "This field is required."),
        ("individual", "/offers/new", "el", "Το πεδίο είναι υποχρεωτικό."),
        ("ngo", "/needs/new", "en", "This field is required."),
        ("ngo", "/needs/new", "el", "Το πεδίο είναι υποχρεωτικό."),
    ],
)
def test_required_field_messages_read_as_words(client, make_user, kind, path, language, message):
    sign_in(client, make_user(kind, language=language))
    response = client.post(path, data={"title": ""})
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors and message in errors
    assert not any(re.search(r"(\w ){4}", error) for error in errors)


def test_the_api_lists_each_fields_messages(client, make_user):
    from web.api.auth import create_token

    _token, secret = create_token(make_user("individual", language="en"), "t")
    response = client.post(
        "/api/v1/offers", json={"title": "x"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    flat = errors.get("json", errors)
    assert flat["quantity"] == ["This field is required."]
    # no category and a title that names none: the API cannot choose one for the poster
    assert flat["category"] == ["Choose a category from the list."]


def test_the_language_chosen_before_signing_in_wins_and_is_saved(client, make_user):
    user = make_user("individual", language="el")
    client.post("/language", data={"language": "en", "next": "/login"})
    sign_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en">' in page
    from web.extensions import db

    db.session.refresh(user)
    assert user.language == "en"


def test_without_a_choice_the_stored_language_is_used(client, make_user):
    sign_in(client, make_user("individual", language="en"))
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_english_pages_show_an_organisations_english_name(client, make_user, make_need):
    ngo = make_user("ngo")
    ngo.organisation.name, ngo.organisation.name_en = "Νομική Γέφυρα", "Legal Bridge"
    from web.extensions import db

    db.session.commit()
    make_need(ngo)
    client.post("/language", data={"language": "en", "next": "/"})
    english = client.get("/needs").get_data(as_text=True)
    assert "Legal Bridge" in english and "Νομική Γέφυρα" not in english
    client.post("/language", data={"language": "el", "next": "/"})
    assert "Νομική Γέφυρα" in client.get("/needs").get_data(as_text=True)


def test_an_organisation_registers_with_an_english_name(client):
    from web.extensions import db
    from web.models import Organisation

    response = client.post(
        "/register/ngo",
        data={
            "organisation_name": "Δικαιώματα Τώρα",
            "organisation_name_en": "Rights Now",
            "organisation_phone": "+30 210 000 0000",
            "full_name": "Claire Dubois",
            "email": "claire@rights.example.org",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
            "language": "en",
        },
    )
    assert response.status_code == 302
    organisation = db.session.scalar(db.select(Organisation))
    assert organisation.name_en == "Rights Now"


@pytest.mark.parametrize(
    ("kind", "path"),
    [("ngo", "/needs/new"), ("ngo", "/needs/ours"), ("company", "/offers/new")],
)
def test_a_representative_of_an_unapproved_organisation_is_told_what_is_happening(
    client, make_user, kind, path
):
    user = make_user(kind, status="pending", language="en")
    sign_in(client, user)
    home = client.get("/").get_data(as_text=True)
    assert "reviewing" in home and "What happens next" in home
    assert "info@komvos.example" in home
    for link in (
        'href="/needs/new"',
        'href="/needs/ours"',
        'href="/offers/new"',
        'href="/offers/mine"',
    ):
        assert link not in home
    refused = client.get(path)
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "You are not allowed" not in page
    assert "approved" in page and "reviewing" in page


def test_a_rejected_organisations_representative_reads_the_reason(client, make_user):
    user = make_user("ngo", status="rejected", language="en")
    user.organisation.decision_reason = "Not a registered NGO."
    from web.extensions import db

    db.session.commit()
    sign_in(client, user)
    page = client.get("/needs/new").get_data(as_text=True)
    assert "did not approve" in page and "Not a registered NGO." in page


def test_an_approved_representative_sees_no_review_notice(client, make_user):
    sign_in(client, make_user("ngo", language="en"))
    home = client.get("/").get_data(as_text=True)
    assert "reviewing" not in home
    assert 'href="/needs/new"' in home  # "Post a need" on the home page


def test_withdrawing_asks_first_and_then_shows_what_was_given(
    client, make_user, make_offer, make_need, make_match
):
    from web.matches import services as matches

    donor = make_user("individual", language="en")
    offer = make_offer(donor, quantity=50)
    need = make_need(quantity=15)
    match = make_match(offer, need, 15)
    matches.confirm_match(make_user("staff"), match.id)
    sign_in(client, donor)
    listing = client.get("/offers/mine").get_data(as_text=True)
    assert f'href="/offers/{offer.id}/withdraw"' in listing  # a link to the question, not a form
    question = client.get(f"/offers/{offer.id}/withdraw")
    assert question.status_code == 200
    text = question.get_data(as_text=True)
    assert "Withdraw this offer?" in text and "15 of 50" in text and "35" in text
    from web.extensions import db
    from web.posts.models import Offer

    assert db.session.get(Offer, offer.id).status != "withdrawn"  # asking changed nothing
    assert client.post(f"/offers/{offer.id}/withdraw").status_code == 302
    after = client.get("/offers/mine").get_data(as_text=True)
    assert "Still available" not in after
    assert "Given or promised: 15 of 50" in after and "35 are withdrawn" in after


def test_after_posting_the_page_says_what_happens_next(client, make_user):
    sign_in(client, make_user("individual", language="en"))
    response = client.post("/offers/new", data=offer_fields(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "What happens next" in page and "inbox" in page
    assert 'class="next-step"' in page  # the post's own status, in words


def test_after_posting_a_need_the_page_says_what_happens_next(client, make_user):
    sign_in(client, make_user("ngo", language="en"))
    response = client.post("/needs/new", data=need_fields(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "What happens next" in page and 'class="next-step"' in page


def test_home_sectors_link_to_their_open_needs(client):
    assert 'href="/needs?sector=legal"' in client.get("/").get_data(as_text=True)


def test_the_phone_header_has_a_menu_button_and_a_real_badge(client, make_user):
    from web.extensions import db
    from web.notifications.outbox import notify

    user = make_user("individual", language="el")
    notify(user, "organisation_approved", {"name": "Δοκιμή"})
    db.session.commit()
    sign_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert 'class="menu-toggle' in page and 'aria-controls="site-nav"' in page
    assert re.search(r'Μηνύματα<span class="badge" aria-hidden="true">1</span>', page)
    assert "1 μη αναγνωσμένο" in page or "αδιάβαστ" in page
    with client.get("/static/komvos.css") as response:
        css = response.get_data(as_text=True)
    assert ".badge {" in css and "margin-left" in css.split(".badge {")[1].split("}")[0]


def test_the_runs_page_speaks_greek(client, make_user, make_offer, make_need):
    make_need()
    make_offer()
    sign_in(client, make_user("staff", language="el"))
    client.post("/staff/matches/run")
    assert work_once() is not None  # the run worker takes the queued run
    page = client.get("/staff/runs").get_data(as_text=True)
    words = re.findall(r"<p[^>]*>([^<]*)</p>", page)  # the figures keep the technical status
    for english in ("full", "need", "offer", "optimal"):
        assert english not in words
    # the runs page says what each run did in words (issue 14), in Greek
    assert "βελτιστοποίησε ξανά όλα τα ανοιχτά" in page and "η καλύτερη δυνατή" in page


@pytest.mark.parametrize(("language", "shown"), [("en", "1,000,000"), ("el", "1.000.000")])
def test_the_largest_quantity_is_written_the_languages_way(client, make_user, language, shown):
    sign_in(client, make_user("individual", language=language))
    response = client.post("/offers/new", data=offer_fields(quantity="99999999"))
    assert shown in " ".join(field_errors(response.get_data(as_text=True)))


def test_greek_mails_greet_correctly_for_any_name_and_stop_once(app, make_user):
    from web.notifications.outbox import notify

    user = make_user("company", language="el", full_name="Νίκος Θερμός")
    row = notify(user, "organisation_rejected", {"name": "Περιβόλι Α.Ε.", "reason": "Όχι."})
    assert "Νίκος Θερμός" not in row.body_text.splitlines()[0]
    assert row.body_text.startswith("Χαίρετε,")
    assert "Α.Ε.." not in row.body_text + row.subject + row.body_html
    assert "Κόμβος" in row.body_html and "Komvos" not in row.body_html


def test_the_brand_is_one_word_per_language(client):
    client.post("/language", data={"language": "el", "next": "/"})
    greek = client.get("/").get_data(as_text=True)
    assert "Komvos" not in greek.split("<main")[0].split("</title>")[1]
    client.post("/language", data={"language": "en", "next": "/"})
    assert "Κόμβος" not in client.get("/").get_data(as_text=True)


def test_greek_pages_call_an_organisation_a_foreas_only():
    catalogue = (ROOT / "web/translations/el/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    greek = "\n".join(line for line in catalogue.splitlines() if line.startswith("msgstr"))
    assert "οργάνωσ" not in greek.lower()


def test_the_glossary_names_one_term_per_concept():
    glossary = (ROOT / "docs/GLOSSARY.md").read_text(encoding="utf-8")
    for term in ("φορέας", "organisation", "Κόμβος", "Komvos", "αντιστοίχιση", "match"):
        assert term in glossary
