"""Command-line tools: staff accounts and demo data."""

from sqlalchemy import func, select

from web.extensions import db
from web.models import Organisation, User
from web.passwords import verify_password


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_create_staff_makes_a_staff_account(app):
    result = app.test_cli_runner().invoke(
        args=["create-staff", "Anna@Komvos.example", "--name", "Άννα Γεωργίου"],
        input="a long and quiet river\na long and quiet river\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role, user.full_name) == (
        "anna@komvos.example",
        "staff",
        "Άννα Γεωργίου",
    )
    assert user.organisation.kind == "centre"
    assert verify_password(user.password_hash, "a long and quiet river")


def test_create_staff_refuses_a_common_password_and_a_taken_email(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-staff", "a@komvos.example", "--password", "password1"])
    assert weak.exit_code != 0 and "password" in weak.output
    runner.invoke(args=["create-staff", "a@komvos.example", "--password", "quiet long river"])
    taken = runner.invoke(
        args=["create-staff", "a@komvos.example", "--password", "quiet long river"]
    )
    assert taken.exit_code != 0 and "email" in taken.output
    assert count(User) == 1


def test_seed_demo_creates_the_demo_actors_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "komvos-demo-2026" in first.output
    ngos = count(Organisation, Organisation.kind == "ngo", Organisation.status == "approved")
    assert ngos >= 15
    assert count(Organisation, Organisation.kind == "company") >= 8
    assert count(User, User.role == "donor", User.organisation_id.is_(None)) >= 10
    assert count(User, User.role == "staff") >= 1
    for organisation in db.session.scalars(
        select(Organisation).where(Organisation.kind == "ngo", Organisation.status == "approved")
    ):
        assert len(organisation.members) >= 2
    users = count(User)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already has data" in again.output
    assert count(User) == users


def test_seed_demo_is_deterministic(make_app):
    snapshots = []
    for _ in range(2):
        app = make_app()
        with app.app_context():
            app.test_cli_runner().invoke(args=["seed-demo"])
            rows = db.session.execute(
                select(User.email, User.full_name, User.role, Organisation.name)
                .outerjoin(Organisation, User.organisation_id == Organisation.id)
                .order_by(User.id)
            ).all()
            snapshots.append([tuple(row) for row in rows])
    assert snapshots[0] == snapshots[1] and snapshots[0]


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    email = db.session.scalar(select(User.email).where(User.role == "staff"))
    response = client.post("/login", data={"email": email, "password": "komvos-demo-2026"})
    assert response.status_code == 302
