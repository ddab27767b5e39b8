"""Registration, sign-in, approval and invitations, through the pages."""

import hashlib
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.helpers import PASSWORD, sign_in
from web.auth import services
from web.extensions import db
from web.models import AuditEvent, Invitation, Organisation, User, utcnow
from web.passwords import HASHER, hash_password, password_problem, verify_password

NEW_PASSWORD = "a long and quiet river"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def person_form(**overrides):
    form = {
        "full_name": "Ελένη Παπαδοπούλου",
        "email": "eleni@people.example",
        "phone": "+30 210 123 4567",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "language": "el",
    }
    form.update(overrides)
    return form


def organisation_form(**overrides):
    form = person_form(
        organisation_name="Στέγη Αλληλεγγύης",
        sector="housing",
        place="kipseli",
        organisation_phone="+30 210 765 4321",
        website="https://stegi.example.org",
        description="Shelter and support",
    )
    form.update(overrides)
    return form


def test_an_individual_registers_and_can_post_at_once(client):
    response = client.post("/register/individual", data=person_form(language="en"))
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.language, user.organisation) == (
        "eleni@people.example",
        "donor",
        "en",
        None,
    )
    assert user.can_post
    assert actions() == ["user.registered"]


@pytest.mark.parametrize("kind, role", [("ngo", "ngo"), ("company", "donor")])
def test_an_organisation_registers_pending_with_its_first_representative(client, kind, role):
    response = client.post(f"/register/{kind}", data=organisation_form())
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.kind, organisation.status, organisation.place_id) == (
        kind,
        "pending",
        "kypseli",
    )
    user = db.session.scalar(select(User))
    assert user.role == role and user.organisation_id == organisation.id
    assert not user.can_post
    assert actions() == ["organisation.registered", "user.registered"]


BAD_REGISTRATIONS = [
    ({"email": "not-an-address"}, "email", "Γράψτε μια έγκυρη διεύθυνση email."),
    ({"email": ""}, "email", "Το πεδίο είναι υποχρεωτικό."),
    ({"full_name": ""}, "full_name", "Το πεδίο είναι υποχρεωτικό."),
    ({"full_name": "x" * 121}, "full_name", "Από 2 έως 120 χαρακτήρες."),
    ({"password": "short", "confirm": "short"}, "password", "τουλάχιστον 8 χαρακτήρες"),
    ({"password": "p" * 129, "confirm": "p" * 129}, "password", "το πολύ 128 χαρακτήρες"),
    ({"password": "password1", "confirm": "password1"}, "password", "πιο συνηθισμένους"),
    ({"password": "iloveyou", "confirm": "iloveyou"}, "password", "πιο συνηθισμένους"),
    ({"confirm": "something else entirely"}, "confirm", "Οι δύο κωδικοί διαφέρουν."),
    ({"phone": "call me maybe"}, "phone", "ψηφία, κενά"),
    ({"language": "fr"}, "language", "Άγνωστη επιλογή"),
    ({"organisation_name": ""}, "organisation_name", "Το πεδίο είναι υποχρεωτικό."),
    # not "Atlantis": that is a typo away from Αταλάντη, a town of Lokroi (Phthiotis)
    ({"place": "Narnia"}, "place", "Δεν γνωρίζουμε αυτή την περιοχή"),
    ({"sector": "astrology"}, "sector", "Άγνωστη επιλογή"),
    ({"website": "javascript:alert(1)"}, "website", "https://"),
    ({"organisation_phone": ""}, "organisation_phone", "Το πεδίο είναι υποχρεωτικό."),
]


@pytest.mark.parametrize("overrides, field, message", BAD_REGISTRATIONS)
def test_bad_registration_shows_the_field_message_and_writes_nothing(
    client, overrides, field, message
):
    response = client.post("/register/ngo", data=organisation_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message in page
    assert count(User) == 0 and count(Organisation) == 0 and count(AuditEvent) == 0


def test_bad_input_messages_follow_the_chosen_language(client):
    client.post("/language", data={"language": "en"})
    response = client.post("/register/individual", data=person_form(email="nope"))
    assert "Enter a valid email address." in response.get_data(as_text=True)


def test_an_email_can_register_only_once_whatever_its_case(client, make_user):
    make_user(email="eleni@people.example")
    response = client.post(
        "/register/individual", data=person_form(email="  ELENI@people.example ")
    )
    assert response.status_code == 422
    assert "Υπάρχει ήδη λογαριασμός με αυτό το email." in response.get_data(as_text=True)
    assert count(User) == 1


def test_sign_in_succeeds_and_is_audited(client, make_user):
    user = make_user(email="maria@people.example")
    response = client.post("/login", data={"email": "Maria@People.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").get_data(as_text=True).count(user.full_name) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login"))
    assert event.actor_id == user.id
    assert db.session.get(User, user.id).last_login_at is not None


@pytest.mark.parametrize(
    "email, password",
    [
        ("maria@people.example", "wrong password here"),
        ("nobody@people.example", PASSWORD),
    ],
)
def test_sign_in_failure_says_so_and_is_audited(client, make_user, email, password):
    make_user(email="maria@people.example")
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert "Λάθος email ή κωδικός." in response.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert event.details["email"] == email


def test_a_deactivated_account_cannot_sign_in(client, make_user):
    make_user(email="gone@people.example", active=False)
    response = client.post("/login", data={"email": "gone@people.example", "password": PASSWORD})
    assert response.status_code == 422


def test_sign_in_does_not_follow_a_foreign_next_link(client, make_user):
    make_user(email="maria@people.example")
    form = {"email": "maria@people.example", "password": PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=form)
    assert response.headers["Location"] == "/"


def test_sign_out(client, make_user):
    user = make_user()
    sign_in(client, user)
    assert client.post("/logout").status_code == 302
    assert user.full_name not in client.get("/").get_data(as_text=True)


def test_the_stored_hash_is_argon2id_at_asvs_strength(client):
    client.post("/register/individual", data=person_form())
    stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert NEW_PASSWORD not in stored
    assert PasswordHasher().verify(stored, NEW_PASSWORD)


@pytest.mark.parametrize(
    "password, ok",
    [
        ("1234567", False),
        ("12345678", False),
        ("qwertyuiop", False),
        ("PASSWORD", False),
        ("eleni@people.example", False),
        ("x" * 128, True),
        ("x" * 129, False),
        ("ένα μακρύ συνθηματικό", True),
        ("horse staple battery", True),
        ("abcdefgh1", True),
    ],
)
def test_password_rules_length_and_common_passwords_only(app, password, ok):
    assert (password_problem(password, "eleni@people.example") is None) is ok


def test_weaker_hashes_are_upgraded_at_sign_in(client, make_user):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    user = make_user(email="old@people.example", password_hash=weak)
    client.post("/login", data={"email": "old@people.example", "password": PASSWORD})
    stored = db.session.get(User, user.id).password_hash
    assert stored != weak and not HASHER.check_needs_rehash(stored)


def test_verify_password_rejects_garbage_hashes():
    assert verify_password(hash_password("right one here"), "right one here")
    assert not verify_password("not-a-hash", "anything")
    assert not verify_password(None, "anything")


def test_staff_approve_an_organisation_and_its_people_can_then_post(client, make_user):
    staff = make_user("staff")
    representative = make_user("ngo", status="pending")
    sign_in(client, staff)
    organisation_id = representative.organisation_id
    page = client.get("/staff/organisations").get_data(as_text=True)
    assert representative.organisation.name in page
    response = client.post(f"/staff/organisations/{organisation_id}/approve", data={})
    assert response.status_code == 302
    organisation = db.session.get(Organisation, organisation_id)
    db.session.refresh(organisation)
    assert organisation.status == "approved" and organisation.decided_by_id == staff.id
    assert db.session.get(User, representative.id).can_post
    assert "organisation.approved" in actions()


def test_rejection_needs_a_reason_and_a_second_decision_is_refused(client, make_user):
    staff = make_user("staff")
    representative = make_user("ngo", status="pending")
    organisation_id = representative.organisation_id
    sign_in(client, staff)
    client.post(f"/staff/organisations/{organisation_id}/reject", data={"reason": ""})
    assert db.session.get(Organisation, organisation_id).status == "pending"
    client.post(f"/staff/organisations/{organisation_id}/reject", data={"reason": "Not a member"})
    db.session.expire_all()
    assert db.session.get(Organisation, organisation_id).status == "rejected"
    response = client.post(
        f"/staff/organisations/{organisation_id}/approve", data={}, follow_redirects=True
    )
    assert "έχει ήδη ληφθεί απόφαση" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation_id).status == "rejected"
    assert actions().count("organisation.rejected") == 1


def test_deciding_an_unknown_organisation_is_404(client, make_user):
    sign_in(client, make_user("staff"))
    assert client.post("/staff/organisations/999/approve", data={}).status_code == 404


def test_an_unapproved_representative_signs_in_but_cannot_invite(client, make_user):
    user = make_user("ngo", status="pending")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/organisation").get_data(as_text=True)
    assert "ελέγχει τον φορέα" in page and "Τι ακολουθεί" in page  # the review notice
    assert (
        client.post("/organisation/invitations", data={"email": "x@org.example"}).status_code == 403
    )
    assert count(Invitation) == 0


def invite(client, inviter, email="colleague@org.example"):
    sign_in(client, inviter)
    response = client.post("/organisation/invitations", data={"email": email})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = page.split('id="invitation-link" type="text" readonly value="')[1].split('"')[0]
    client.post("/logout")
    return link.replace("http://localhost", "")


def test_a_representative_invites_a_colleague_who_joins_once(client, make_user):
    inviter = make_user("ngo")
    path = invite(client, inviter)
    invitation = db.session.scalar(select(Invitation))
    token = path.split("/")[-1]
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash  # only the hash is stored
    page = client.get(path).get_data(as_text=True)
    assert "colleague@org.example" in page
    response = client.post(
        path, data=person_form(email="ignored@evil.example", full_name="Ahmad Karimi")
    )
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.full_name == "Ahmad Karimi"))
    assert colleague.email == "colleague@org.example"
    assert colleague.organisation_id == inviter.organisation_id and colleague.role == "ngo"
    assert colleague.can_post
    client.post("/logout")
    second = client.post(path, data=person_form(full_name="Someone Else"))
    assert second.status_code == 404
    assert count(User) == 2
    trail = actions()
    accepted = trail.index("invitation.accepted")
    assert trail[accepted + 1] == "user.registered"


def test_an_expired_invitation_is_refused(client, make_user):
    path = invite(client, make_user("company"))
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(path).status_code == 404
    assert client.post(path, data=person_form()).status_code == 404


def test_an_invitation_to_an_existing_account_is_refused(client, make_user):
    make_user(email="taken@org.example")
    sign_in(client, make_user("ngo"))
    response = client.post("/organisation/invitations", data={"email": "taken@org.example"})
    assert response.status_code == 422
    assert count(Invitation) == 0


def test_invitation_audit_trail(client, make_user):
    invite(client, make_user("ngo"))
    assert "invitation.created" in actions()


def test_the_service_layer_refuses_a_non_staff_decision(app, make_user):
    donor = make_user()
    pending = make_user("ngo", status="pending")
    with pytest.raises(PermissionError):
        services.decide_organisation(pending.organisation_id, donor, approve=True)
