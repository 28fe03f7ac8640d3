"""GET /data-deletion and /data-deletion/<code>: HTML in the visitor's language, JSON by Accept,
404 for unknown or odd codes, 429 when someone guesses."""

import pytest

from app.extensions import db
from app.models import DeletionRequest, DeletionSource, DeletionStatus, utcnow
from app.privacy.deletion import new_code


def _completed(deleted=None, retained=None) -> DeletionRequest:
    request = DeletionRequest(
        code=new_code(),
        source=DeletionSource.META,
        status=DeletionStatus.COMPLETED,
        completed_at=utcnow(),
        deleted=deleted if deleted is not None else {"messages": 3, "attachments": 1, "contacts": 1},
        retained=retained or [],
    )
    db.session.add(request)
    db.session.commit()
    return request


def test_codes_carry_at_least_128_random_bits():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(code) >= 32 for code in codes)


def test_json_has_exactly_the_contract_keys(client, app):
    request = _completed()
    response = client.get(f"/data-deletion/{request.code}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"confirmation_code", "status", "received_at", "completed_at", "deleted", "retained"}
    assert body["status"] == "completed"
    assert body["deleted"] == {"messages": 3, "attachments": 1, "contacts": 1}
    assert body["received_at"].endswith("Z") and body["completed_at"].endswith("Z")


def test_open_request_has_null_completed_at(client, app):
    request = DeletionRequest(code=new_code(), source=DeletionSource.META, subject="1")
    db.session.add(request)
    db.session.commit()
    body = client.get(f"/data-deletion/{request.code}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "received" and body["completed_at"] is None and body["deleted"] == {}


def test_html_page_shows_categories_and_counts_never_content(client, app):
    request = _completed()
    page = client.get(f"/data-deletion/{request.code}").get_data(as_text=True)
    assert "Completed" in page and "Messages" in page and "Attachments (files included)" in page
    assert 'data-status="completed"' in page


def test_spanish_status_page(client, app):
    request = _completed(
        retained=[{"category": "member_account", "reason": "kept five years"}],
    )
    page = client.get(f"/data-deletion/{request.code}", headers={"Accept-Language": "es-MX,es;q=0.9"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Su solicitud de eliminación" in text
    assert "Completada" in text and "Mensajes" in text
    assert "hasta cinco años" in text  # the reason for what is kept, translated
    assert '<html lang="es">' in text


def test_spanish_page_for_nothing_found(client, app):
    request = _completed(deleted={"messages": 0, "contacts": 0})
    text = client.get(f"/data-deletion/{request.code}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "no encontramos datos vinculados a esta solicitud" in text


@pytest.mark.parametrize(
    "code",
    ["unknown-code-that-is-long-enough", "short", "%00", "a/../../etc/passwd", "ñandú-" * 5, "<script>", "x" * 300],
)
def test_unknown_or_odd_codes_are_404_without_traceback(client, app, code):
    response = client.get(f"/data-deletion/{code}", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert set(response.get_json()) == {"error"}


def test_guessing_is_rate_limited(client, app):
    answers = [client.get(f"/data-deletion/guess-{n:030d}").status_code for n in range(12)]
    assert answers[:10] == [404] * 10
    assert answers[-1] == 429
    known = _completed()
    response = client.get(f"/data-deletion/{known.code}", headers={"Accept": "application/json"})
    assert response.status_code == 429 and "error" in response.get_json()


def test_help_page_explains_and_looks_a_code_up(client, app):
    page = client.get("/data-deletion").get_data(as_text=True)
    assert "Apps and websites" in page and 'name="code"' in page
    request = _completed()
    response = client.get(f"/data-deletion?code={request.code}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/data-deletion/{request.code}")
