"""Uploading needs or offers from a file: a template, a preview with every row's errors, then
the import itself (all rows or none)."""

from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.centres.scope import organisations_in_scope
from web.extensions import db
from web.models import Organisation, User
from web.staff import bp
from web.staff.export_views import own_bp
from web.staff.exports import download
from web.staff.imports import FIELD_LABELS, FIELDS, ImportResult, import_posts, template_chunks
from web.statuses import OrganisationKind, OrganisationStatus, Role
from web.validation import InvalidInput
from web.views_common import ActionForm

KIND_PATH = "<any(needs, offers):kind>"


def _may_import(user: User, kind: str) -> bool:
    if user.is_staff:
        return True
    role = Role.NGO if kind == "needs" else Role.DONOR
    return user.role == role and user.can_post


def _upload() -> tuple[str, bytes]:
    """The uploaded file, or the one a preview carried along for the import."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.filename, upload.read(2_000_000)
    try:
        content = base64.b64decode(request.form.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        content = b""
    return request.form.get("filename", "")[:200], content


def _organisations(kind: str, staff: User) -> list[Organisation]:
    wanted = OrganisationKind.NGO if kind == "needs" else OrganisationKind.COMPANY
    query = select(Organisation).where(
        Organisation.kind == wanted, Organisation.status == OrganisationStatus.APPROVED
    )
    if kind == "needs":  # needs go to the member's centre; offers are national
        query = query.where(*organisations_in_scope(staff))
    return list(db.session.scalars(query.order_by(Organisation.name)))


def _page(kind: str, endpoint: str) -> str | Response:
    user = signed_in_user()
    if not _may_import(user, kind):
        abort(403)
    organisations = _organisations(kind, user) if user.is_staff else []
    result: ImportResult | None = None
    filename, content = "", b""
    raw_organisation = request.form.get("organisation", "")
    organisation_id = int(raw_organisation) if raw_organisation.isdigit() else None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        filename, content = _upload()
        save = request.form.get("save") == "1"
        try:
            result = import_posts(
                user, kind, filename, content, organisation_id=organisation_id, save=save
            )
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            if result.imported:
                flash(
                    ngettext("%(num)d row imported.", "%(num)d rows imported.", result.imported),
                    "success",
                )
                return redirect(url_for(endpoint, kind=kind))
    return render_template(
        "staff/import.html",
        kind=kind,
        endpoint=endpoint,
        result=result,
        fields=FIELDS[kind],
        field_labels=FIELD_LABELS,
        filename=filename,
        content=base64.b64encode(content).decode() if result is not None and result.valid else "",
        organisations=organisations,
        organisation_id=organisation_id,
        form=ActionForm(),
    )


@own_bp.route(f"/imports/{KIND_PATH}", methods=["GET", "POST"])
@login_required
def import_own(kind: str) -> str | Response:
    """An NGO imports its needs, a donor its offers."""
    return _page(kind, "exports.import_own")


@bp.route(f"/imports/{KIND_PATH}", methods=["GET", "POST"])
@staff_required
def import_for(kind: str) -> str | Response:
    """Staff import needs or offers on behalf of an organisation."""
    return _page(kind, "staff.import_for")


@own_bp.get(f"/imports/{KIND_PATH}/template.<any(csv, xlsx):fmt>")
@login_required
def import_template(kind: str, fmt: str) -> Response:
    """The file to fill in: headings in the reader's language and one example row."""
    return download(template_chunks(kind, fmt), fmt, f"{kind}-template")
