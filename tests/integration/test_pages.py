"""Security headers, error pages and the language choice."""

from tests.factories import make_user


def test_security_headers_forbid_inline_script_and_framing(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_404_is_a_friendly_page_or_json(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "find that page." in page.get_data(as_text=True)
    api = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.get_json() == {"error": "We couldn't find that page."}


def test_spanish_from_the_browser_language(client):
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert "Iniciar sesión" in page


def test_language_cookie_for_visitors_and_profile_for_members(client, login_as, workspace):
    client.post("/language", data={"locale": "es", "next": "/login"})
    assert "Iniciar sesión" in client.get("/login").get_data(as_text=True)
    user = make_user(locale="en")
    login_as(user)
    client.post("/language", data={"locale": "es", "next": "/dashboard"})
    assert "No estás en ningún espacio de trabajo" in client.get("/dashboard").get_data(as_text=True)


def test_csrf_is_enforced_on_forms(app, client, owner):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"email": owner.email, "password": "whatever password"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
