"""Migration 0015 (centres) keeps every row both ways, and makes everything Athens'."""

from datetime import timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from tests.test_migrations import migration_app
from web.clock import today
from web.extensions import db
from web.matches.models import Match
from web.models import Organisation, User
from web.posts.models import Need, Offer

COUNTED = ("organisation", "user", "need", "offer", "match", "audit_event", "emergency",
           "committee_member")


def _counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {t: connection.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                for t in COUNTED}


def _ledger() -> tuple[int, int, int]:
    """Confirmed quantities against the counters of both sides."""
    with db.engine.connect() as connection:
        confirmed = connection.execute(text(
            "SELECT COALESCE(SUM(quantity), 0) FROM match "
            "WHERE status IN ('confirmed', 'fulfilled')")).scalar_one()
        offers = connection.execute(text(
            "SELECT COALESCE(SUM(committed_quantity), 0) FROM offer")).scalar_one()
        needs = connection.execute(text(
            "SELECT COALESCE(SUM(committed_quantity), 0) FROM need")).scalar_one()
    return int(confirmed), int(offers), int(needs)


def _fill() -> None:
    """A one-centre database's worth of rows, written at 0014's schema."""
    with db.engine.begin() as c:
        c.execute(text(
            "INSERT INTO organisation (id, kind, name, description, phone, email, website, "
            "status, decision_reason, created_at, name_en) VALUES "
            "(1, 'centre', 'Centre', '', '', '', '', 'approved', '', CURRENT_TIMESTAMP, ''),"
            "(2, 'ngo', 'NGO', '', '', '', '', 'approved', '', CURRENT_TIMESTAMP, ''),"
            "(3, 'company', 'Firm', '', '', '', '', 'pending', '', CURRENT_TIMESTAMP, '')"))
        people = [(1, "staff", 1), (2, "admin", 1), (3, "ngo", 2), (4, "donor", 3),
                  (5, "donor", None)]
        for number, role, organisation in people:
            c.execute(text(
                'INSERT INTO "user" (id, email, password_hash, full_name, phone, role, '
                "language, organisation_id, active, created_at, mail_mode, colleague_mail, "
                "session_token, mail_kinds_off) VALUES (:id, :email, 'x', 'P', '', :role, "
                "'el', :org, true, CURRENT_TIMESTAMP, 'immediate', true, :token, '[]')"),
                {"id": number, "email": f"p{number}@x.example", "role": role,
                 "org": organisation, "token": f"t{number}"})
        post = ("kind, category_id, title, description, quantity, unit, committed_quantity, "
                "place_id, reach_km, attributes, concepts, status, version, created_at, "
                "updated_at")
        values = ("'goods', 'blankets', 'B', '', 10, 'pieces', 4, 'kypseli', 10, '{}', '[]', "
                  "'partly_matched', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP")
        c.execute(text(
            f"INSERT INTO need (id, {post}, organisation_id, poster_id, urgency, needed_by) "
            f"VALUES (1, {values}, 2, 3, 'high', :day)"), {"day": today() + timedelta(days=9)})
        c.execute(text(
            f"INSERT INTO offer (id, {post}, donor_id, lot, remote, available_from, conditions, "
            f"restrict_sectors, restrict_areas) VALUES (1, {values}, 5, 1, false, :day, '', "
            "'[]', '[]')"), {"day": today()})
        c.execute(text(
            "INSERT INTO match (id, offer_id, need_id, quantity, need_quantity, "
            "proposed_quantity, score, value, breakdown, status, reason, short_reason, "
            "created_at) VALUES (1, 1, 1, 4, 4, 4, 0.5, 0.5, '{}', 'confirmed', '', '', "
            "CURRENT_TIMESTAMP)"))
        c.execute(text(
            "INSERT INTO audit_event (actor_id, action, object_type, object_id, details, "
            "ip_address, created_at) VALUES (1, 'match.confirmed', 'match', 1, '{}', '', "
            "CURRENT_TIMESTAMP)"))
        c.execute(text(
            "INSERT INTO emergency (title_el, title_en, message_el, message_en, sectors, "
            "categories, areas, starts_on, ends_on, declared_by_id, created_at) VALUES "
            "('E', 'E', 'M', 'M', '[]', '[]', '[]', :day, :day, 1, CURRENT_TIMESTAMP)"),
            {"day": today()})
        c.execute(text(
            "INSERT INTO committee_member (committee_id, user_id, created_at) "
            "VALUES ('legal', 1, CURRENT_TIMESTAMP)"))
        if db.engine.dialect.name == "postgresql":
            for table in ("organisation", "user", "need", "offer", "match"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f"(SELECT MAX(id) FROM \"{table}\"))"))


def test_the_upgrade_to_centres_keeps_every_row_and_makes_it_athens(tmp_path, postgres_schema):
    app = migration_app(tmp_path)
    with app.app_context():
        downgrade(revision="base")
        upgrade(revision="0014_recurring")
        _fill()
        before, ledger = _counts(), _ledger()
        assert ledger == (4, 4, 4)

        upgrade(revision="0015_centres")
        assert _counts() == before and _ledger() == ledger
        with db.engine.connect() as c:
            athens = c.execute(text("SELECT id, slug, area FROM centre")).one()
            assert athens.slug == "athens"
            members = c.execute(text("SELECT organisation_id FROM centre_member "
                                     "ORDER BY organisation_id")).scalars().all()
            staff = dict(c.execute(text('SELECT role, centre_id FROM "user" '
                                        "WHERE role IN ('staff', 'admin')")).all())
            needs = c.execute(text("SELECT DISTINCT centre_id FROM need")).scalars().all()
            audit = c.execute(text("SELECT DISTINCT centre_id FROM audit_event")).scalars().all()
            emergencies = c.execute(text("SELECT DISTINCT centre_id FROM emergency")
                                    ).scalars().all()
        assert members == [1, 2, 3]
        assert staff == {"staff": athens.id, "admin": None}
        assert needs == audit == emergencies == [athens.id]

        # The models read the upgraded rows.
        need = db.session.scalar(select(Need))
        assert need.centre.slug == "athens" and need.organisation.name == "NGO"
        assert db.session.scalar(select(func.count()).select_from(Match)) == 1
        assert db.session.get(User, 1).centre.slug == "athens"
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 1
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 3
        db.session.remove()

        downgrade(revision="0014_recurring")
        assert _counts() == before and _ledger() == ledger
        assert "centre" not in inspect(db.engine).get_table_names()
        assert "centre_id" not in {c["name"] for c in inspect(db.engine).get_columns("need")}

        upgrade()
        assert _counts() == before
        _empty()
        db.engine.dispose()


def _empty() -> None:
    """Leave the schema as the other tests expect it: at the head, with no rows."""
    with db.engine.begin() as c:
        c.execute(text("UPDATE organisation SET decided_by_id = NULL"))
        for table in reversed(db.metadata.sorted_tables):
            c.execute(table.delete())
