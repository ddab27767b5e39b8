"""The matches page and the matches API read a page of matches in a fixed number of SQL
statements, however many matches it shows (no query per match for its timeline or sides)."""


import pytest
from sqlalchemy import update

from tests.helpers import sign_in, sql_statements
from web.api.auth import create_token
from web.extensions import db
from web.matches import services
from web.matches.models import Match


@pytest.fixture
def donor_with_matches(make_user, make_offer, make_need, make_match):
    """A donor whose `n` offers each went to another NGO's need, confirmed by staff."""

    def build(n: int):
        donor = make_user("individual")
        staff = make_user("staff")
        for i in range(n):
            offer = make_offer(donor, title=f"Κουβέρτες {i}")
            need = make_need(title=f"Blankets for shelter {i}")
            match = make_match(offer, need, 5)
            services.confirm_match(staff, match.id)
        # What the engine proposed between the other pairs is not what is measured here.
        db.session.execute(
            update(Match).where(Match.status == "proposed").values(status="superseded")
        )
        db.session.commit()
        return donor

    return build


def statements_for(client, donor, path, **kwargs) -> int:
    with sql_statements() as seen:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("path", ["/matches", "/api/v1/matches"])
def test_a_page_of_matches_costs_the_same_statements_for_3_or_12(
    make_app, donor_with_matches, path
):
    counts = []
    for n in (3, 12):
        app = make_app()
        with app.app_context():
            donor = donor_with_matches(n)
            client = app.test_client()
            if path.startswith("/api"):
                _token, secret = create_token(donor, "tests")
                db.session.commit()
                headers = {"Authorization": f"Bearer {secret}"}
                count = statements_for(client, donor, path, headers=headers)
                items = client.get(path, headers=headers).get_json()["items"]
                assert [m["status"] for m in items].count("confirmed") == n
            else:
                sign_in(client, donor)
                count = statements_for(client, donor, path)
                html = client.get(path).get_data(as_text=True)
                assert html.count("status-confirmed") == n
            counts.append(count)
    assert counts[0] == counts[1]
