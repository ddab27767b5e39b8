"""The report for funders and committees: a page to read or print, and an XLSX."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.wrappers import Response

from web.auth.login import signed_in_user, staff_required
from web.clock import today
from web.i18n import current_language, place_name, sector_label
from web.reference import SECTORS
from web.staff import bp
from web.staff.exports import Column, download, workbook_chunks
from web.staff.reports import (
    INDIVIDUALS,
    MEASURES,
    Report,
    build_report,
    ordered,
    parse_report_filters,
)

MEASURE_LABELS = {
    "asked": _l("Needs posted"),
    "offered": _l("Offers posted"),
    "confirmed": _l("Matches confirmed"),
    "received": _l("Matches received"),
}


def _labels(report: Report) -> dict[str, Any]:
    """Row names per table: sectors, areas, NGOs by name, companies by name, individuals
    counted."""
    people = len(report.individuals)

    def donor(key: int | str) -> str:
        if key == INDIVIDUALS:
            return ngettext(
                "Individual donors (%(num)d person)", "Individual donors (%(num)d people)", people
            )
        return report.names.get(int(key), "")

    return {
        "sector": lambda code: sector_label(code) or _("No sector"),
        "area": place_name,
        "ngo": lambda key: report.names.get(key, ""),
        "donor": donor,
    }


def _tables(report: Report) -> list[tuple[str, str, Any, list[Any]]]:
    return [
        ("sector", _("By sector"), _("Sector"), ordered(report.by_sector)),
        ("area", _("By area"), _("Area"), ordered(report.by_area)),
        ("ngo", _("By organisation"), _("Organisation"), ordered(report.by_ngo)),
        ("donor", _("By donor"), _("Donor"), ordered(report.by_donor)),
    ]


def _chart(report: Report, labels: dict[str, Any]) -> dict[str, Any]:
    rows = ordered(report.by_sector)
    return {
        "sectors": {
            "type": "bar",
            "labels": [labels["sector"](code) for code, _counts in rows],
            "series": [
                {"label": str(MEASURE_LABELS[m]), "values": [c.values()[i] for _k, c in rows]}
                for i, m in enumerate(MEASURES)
            ],
        }
    }


@bp.get("/reports")
@staff_required
def report() -> str:
    """What was asked, offered, confirmed and received in a period: a page to print."""
    filters = parse_report_filters(request.args, today())
    found = build_report(filters, signed_in_user())
    labels = _labels(found)
    places = current_app.extensions["komvos.places"]
    language = current_language()
    return render_template(
        "staff/report.html",
        report=found,
        filters=filters,
        labels=labels,
        tables=_tables(found),
        measures=MEASURES,
        measure_labels=MEASURE_LABELS,
        charts=_chart(found, labels),
        sectors=SECTORS,
        areas=sorted(places.municipalities(), key=lambda p: p.name(language)),
    )


@bp.get("/reports/report.xlsx")
@staff_required
def report_xlsx() -> Response:
    """The same report as a workbook: one sheet per table."""
    found = build_report(parse_report_filters(request.args, today()), signed_in_user())
    labels = _labels(found)
    sheets = []
    for key, title, heading, rows in _tables(found):
        columns = [Column(heading, lambda row, name=labels[key]: name(row[0]))] + [  # type: ignore[misc]  # a lambda with a default
            Column(MEASURE_LABELS[m], lambda row, i=i: row[1].values()[i])  # type: ignore[misc]  # a lambda with a default
            for i, m in enumerate(MEASURES)
        ]
        sheets.append((title, columns, rows))
    return download(workbook_chunks(sheets), "xlsx", "report")
