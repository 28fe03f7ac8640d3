"""Cookie consent: Google Analytics is neither referenced nor allowed by the CSP before consent."""

import pytest

GA = "G-TEST123"


@pytest.fixture
def with_ga(app):
    app.config["GA_MEASUREMENT_ID"] = GA
    return app


def test_no_analytics_before_a_choice_and_the_banner_shows(client, with_ga):
    response = client.get("/legal/cookies")
    html = response.get_data(as_text=True)
    assert "googletagmanager" not in html and "googletagmanager" not in response.headers["Content-Security-Policy"]
    assert 'id="cookie-banner"' in html


def test_rejecting_keeps_analytics_out(client, with_ga):
    response = client.post("/cookies/consent", data={"choice": "reject", "next": "/legal/terms"})
    assert response.status_code == 302 and response.headers["Location"] == "/legal/terms"
    page = client.get("/legal/terms")
    assert "googletagmanager" not in page.get_data(as_text=True)
    assert 'id="cookie-banner"' not in page.get_data(as_text=True)


def test_accepting_loads_analytics_and_the_csp_allows_it(client, with_ga):
    client.post("/cookies/consent", data={"choice": "accept"})
    page = client.get("/legal/cookies")
    assert f"https://www.googletagmanager.com/gtag/js?id={GA}" in page.get_data(as_text=True)
    assert "https://www.googletagmanager.com" in page.headers["Content-Security-Policy"]


def test_custom_choice_and_changing_it_later(client, with_ga):
    client.post("/cookies/consent", data={"choice": "custom", "analytics": "on"})
    assert "googletagmanager" in client.get("/cookies/settings").get_data(as_text=True)
    client.post("/cookies/consent", data={"choice": "custom"})
    assert "googletagmanager" not in client.get("/cookies/settings").get_data(as_text=True)


def test_without_a_measurement_id_nothing_loads_even_with_consent(client, app):
    client.post("/cookies/consent", data={"choice": "accept"})
    assert "googletagmanager" not in client.get("/legal/cookies").get_data(as_text=True)


def test_consent_redirect_stays_on_this_site(client, app):
    response = client.post("/cookies/consent", data={"choice": "accept", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/"
