"""The API against its own OpenAPI document (schemathesis, in-process): for every operation,
generated requests under the tokens of two NGOs, a donor and a staff member, and with none,
give no server error and no answer outside the document.

The suite runs a bounded number of cases (`KOMVOS_FUZZ_EXAMPLES` per operation, 6 by
default); `make fuzz` runs many more and prints the figures.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.conftest import need_fields, offer_fields
from web.api.auth import create_token
from web.extensions import db
from web.posts.schemas import NeedInput, OfferInput, load_post
from web.posts.services import NEED, OFFER, post

EXAMPLES = int(os.environ.get("KOMVOS_FUZZ_EXAMPLES", "6"))
CHECKS = {
    # Valid requests: answered as documented.
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        unsupported_method,
    ],
    # Requests the document does not allow ("10" for a number, a missing field): refused.
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        negative_data_rejection,
        content_type_conformance,
        response_schema_conformance,
    ],
}


@pytest.fixture
def fuzz_app(make_app, make_user):
    """An app with open limits, two NGOs, a donor and staff, and a proposal between them."""
    app = make_app(
        ratelimit_api_account="1000000 per minute", ratelimit_api_address="1000000 per minute"
    )
    with app.app_context():
        first_ngo, second_ngo = make_user("ngo"), make_user("ngo")
        donor, staff = make_user("company"), make_user("staff")
        post(NEED, first_ngo, load_post(NeedInput(), need_fields(quantity=30)))
        post(NEED, second_ngo, load_post(NeedInput(), need_fields(quantity=20, urgency="normal")))
        post(OFFER, donor, load_post(OfferInput(), offer_fields(quantity=40)))
        identities = {
            name: {"Authorization": f"Bearer {create_token(user, 'fuzz')[1]}"}
            for name, user in (
                ("ngo", first_ngo),
                ("other_ngo", second_ngo),
                ("donor", donor),
                ("staff", staff),
            )
        }
        identities["anonymous"] = {}
        db.session.remove()
    return app, identities


def _fuzz_operation(
    operation: Any, identities: dict[str, dict[str, str]], mode: GenerationMode, figures: Counter
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=EXAMPLES <= 50,  # the suite's bounded run is the same every time
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for headers in identities.values():
            figures["requests"] += 1
            case.call_and_validate(headers=headers, checks=CHECKS[mode])
        figures["cases"] += 1

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_openapi_document(fuzz_app, mode):
    app, identities = fuzz_app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    figures: Counter[str] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        figures["operations"] += 1
        try:
            _fuzz_operation(operation, identities, mode, figures)
        except Unsatisfiable:  # nothing invalid can be sent (health takes no input)
            figures["operations"] -= 1
        except Exception as error:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    figures["failures"] = len(failures)
    print(f"\nschemathesis ({mode.value}): {dict(figures)}")
    assert figures["operations"] >= 15
    assert not failures, "\n\n".join(failures)
