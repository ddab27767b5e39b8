"""Imports of needs and offers: a template, a preview naming each row's errors, all rows or
none, and the same file twice imports once; also from the command line."""

import base64
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.helpers import sign_in
from web.extensions import db
from web.models import AuditEvent
from web.posts.models import Need, Offer
from web.staff.imports import import_posts

DEADLINE = (date.today() + timedelta(days=20)).isoformat()
HEADER = "Αναφορά σας,Τίτλος,Κατηγορία,Ποσότητα,Μονάδα,Περιοχή,Επείγον,Χρειάζεται έως"


def needs_csv(*rows):
    return ("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode()


GOOD = [
    f"N-1,Κουβέρτες για τον ξενώνα,kouvertes,40,τεμάχια,Κυψέλη,υψηλή,{DEADLINE}",
    f"N-2,Φαρμακεία πρώτων βοηθειών,first aid kits,5,,Πειραιάς,normal,{DEADLINE}",
]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_valid_file_imports_every_row_with_category_and_place_found(make_user):
    ngo = make_user("ngo")
    result = import_posts(ngo, "needs", "needs.csv", needs_csv(*GOOD), save=True)
    assert result.valid and result.imported == 2
    needs = {n.external_ref: n for n in db.session.scalars(select(Need))}
    assert (needs["N-1"].category_id, needs["N-1"].place_id) == ("blankets", "kypseli")
    assert (needs["N-1"].urgency, needs["N-1"].unit) == ("high", "pieces")
    assert needs["N-2"].category_id == "first_aid_kits" and needs["N-2"].place_id == "piraeus"
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "need.imported")
        )
        == 1
    )


def test_one_bad_row_imports_nothing_and_names_the_row_and_field(make_user):
    ngo = make_user("ngo")
    bad = f"N-3,Παπούτσια,shoes,πολλά,,Κυψέλη,high,{DEADLINE}"
    result = import_posts(ngo, "needs", "needs.csv", needs_csv(*GOOD, bad), save=True)
    assert not result.valid and result.imported == 0
    [wrong] = [r for r in result.rows if r.errors]
    assert wrong.number == 4 and "quantity" in wrong.errors
    assert count(Need) == 0


def test_the_same_file_twice_imports_once(make_user):
    ngo = make_user("ngo")
    import_posts(ngo, "needs", "needs.csv", needs_csv(*GOOD), save=True)
    again = import_posts(ngo, "needs", "needs.csv", needs_csv(*GOOD), save=True)
    assert again.valid and again.new_rows == 0 and count(Need) == 2


def test_a_reference_twice_in_one_file_is_an_error(make_user):
    result = import_posts(make_user("ngo"), "needs", "n.csv", needs_csv(GOOD[0], GOOD[0]))
    assert "reference" in result.rows[1].errors


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("x.csv", b"", "δεν έχει γραμμές"),
        ("x.csv", "Τίτλος,Ποσότητα\nx,1\n".encode(), "Κατηγορία, Περιοχή"),
        ("x.xlsx", b"\x00\x01garbage", "δεν διαβάζεται"),
        ("x.csv", b"x" * 1_000_001, "1 MB"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(make_user, app, name, content, words):
    result = import_posts(make_user("ngo"), "needs", name, content, save=True)
    assert words in result.problem and not result.valid


def test_offers_import_from_xlsx_with_typed_cells(make_user):
    donor = make_user("company")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Your reference", "Title", "Category", "Quantity", "Unit", "Area", "Smallest lot"]
    )
    sheet.append(["O-1", "Wool blankets", "blankets", 100, "pieces", "Kypseli", 10])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_posts(donor, "offers", "offers.xlsx", buffer.getvalue(), save=True)
    assert result.imported == 1
    [offer] = db.session.scalars(select(Offer)).all()
    assert (offer.quantity, offer.lot, offer.external_ref) == (100, 10, "O-1")


def test_the_page_previews_then_imports(client, make_user):
    ngo = make_user("ngo")
    sign_in(client, ngo)
    bad = f"N-3,Παπούτσια,shoes,πολλά,,Κυψέλη,high,{DEADLINE}"
    response = client.post(
        "/imports/needs",
        data={"file": (io.BytesIO(needs_csv(*GOOD, bad)), "needs.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the preview is a page, whatever the file says
    assert 'id="row-4" class="has-error"' in html
    assert re.search(r"Ποσότητα: [^<]*ακέραιο", html)  # the field and its message, in words
    assert "Κουβέρτες" in html and "Κυψέλη" in html
    response = client.post(
        "/imports/needs",
        data={"file": (io.BytesIO(needs_csv(*GOOD)), "needs.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Need) == 0  # a preview saves nothing
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    assert base64.b64decode(content) == needs_csv(*GOOD)
    done = client.post(
        "/imports/needs", data={"content": content, "filename": "needs.csv", "save": "1"}
    )
    assert done.status_code == 302 and count(Need) == 2


def test_staff_import_on_behalf_of_an_organisation(client, make_user):
    ngo = make_user("ngo")
    sign_in(client, make_user("staff"))
    content = base64.b64encode(needs_csv(*GOOD)).decode()
    data = {"content": content, "filename": "n.csv", "save": "1"}
    assert client.post("/staff/imports/needs", data=data).status_code == 200  # no organisation
    data["organisation"] = str(ngo.organisation_id)
    assert client.post("/staff/imports/needs", data=data).status_code == 302
    assert {n.organisation_id for n in db.session.scalars(select(Need))} == {ngo.organisation_id}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_columns_in_the_readers_language(client, make_user, fmt):
    sign_in(client, make_user("ngo"))
    response = client.get(f"/imports/needs/template.{fmt}")
    if fmt == "csv":
        header = response.get_data().decode("utf-8-sig").splitlines()[0]
    else:
        sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
        header = ",".join(next(sheet.iter_rows(values_only=True)))
    assert header.startswith("Αναφορά σας,Τίτλος,Κατηγορία")


def test_people_import_only_their_own_kind(client, make_user):
    sign_in(client, make_user("individual"))
    assert client.get("/imports/offers").status_code == 200
    assert client.get("/imports/needs").status_code == 403


def test_the_command_imports_a_file_for_an_organisation(app, make_user, tmp_path):
    ngo = make_user("ngo")
    path = tmp_path / "needs.csv"
    path.write_bytes(needs_csv(*GOOD))
    runner = app.test_cli_runner()
    args = ["import", "needs", str(path), "--organisation", str(ngo.organisation_id)]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0 and "would import 2" in dry.output and count(Need) == 0
    done = runner.invoke(args=args)
    assert done.exit_code == 0 and count(Need) == 2
    again = runner.invoke(args=args)
    assert "2 imported before" in again.output and count(Need) == 2
    path.write_bytes(needs_csv(GOOD[0].replace(",40,", ",x,").replace("N-1", "N-9")))
    bad = runner.invoke(args=args)
    assert bad.exit_code != 0 and "row 2: quantity" in bad.output
