"""A newcomer's first minutes, in Chromium: sign up, Spanish, invite a colleague, lock-out."""

import itertools

from playwright.sync_api import expect

_n = itertools.count(1)


def sign_up(page, email: str, password: str = "a long password 1", business: str = "Panadería Sol"):
    page.goto("/signup")
    page.get_by_label("Your name").fill("Sofía Ramos")
    page.get_by_label("Work e-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Business name").fill(business)
    page.get_by_label("I accept the terms of service and the privacy policy").check()
    page.get_by_label("I am 18 years of age or older").check()
    page.get_by_role("button", name="Create my workspace").click()


def test_sign_up_and_land_on_the_dashboard_with_the_browser_time_zone(page, live_server):
    email = f"owner{next(_n)}@example.com"
    sign_up(page, email)
    expect(page.get_by_text("Your workspace is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Sofía Ramos")).to_be_visible()
    page.goto("/profile")
    timezone = page.get_by_label("Time zone").input_value()
    assert timezone == page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")


def test_sign_up_errors_keep_what_was_typed(page):
    page.goto("/signup")
    page.get_by_label("Your name").fill("Sofía")
    page.get_by_label("Work e-mail").fill("sofia@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Business name").fill("Sol")
    page.get_by_role("button", name="Create my workspace").click()
    expect(page.get_by_text("Use at least 10 characters.")).to_be_visible()
    expect(page.get_by_text("You need to accept the terms and the privacy policy.")).to_be_visible()
    expect(page.get_by_label("Work e-mail")).to_have_value("sofia@example.com")
    expect(page.get_by_label("Password")).to_have_value("")


def test_switch_to_spanish_from_the_profile(page):
    sign_up(page, f"owner{next(_n)}@example.com")
    page.goto("/profile")
    page.locator("main").get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Perfil guardado.")).to_be_visible()
    expect(page.get_by_role("heading", name="Tu perfil")).to_be_visible()
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Primeros pasos")).to_be_visible()


def test_visitor_switches_language_from_the_footer(page):
    page.goto("/login")
    page.locator("footer").get_by_label("Language").select_option("es")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()


def test_invite_a_colleague_who_accepts(page, new_page, live_server):
    sign_up(page, f"owner{next(_n)}@example.com", business="Taller Luna")
    page.goto("/workspace/members")
    colleague = f"colleague{next(_n)}@example.com"
    invite_form = page.locator("form[action$='/members/invite']")
    invite_form.get_by_label("E-mail").fill(colleague)
    invite_form.get_by_label("Role").select_option("admin")
    invite_form.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {colleague}.")).to_be_visible()

    other = new_page()
    other.goto(live_server.mailbox.link_to(colleague))
    expect(other.get_by_role("heading", name="Join Taller Luna")).to_be_visible()
    other.get_by_label("Your name").fill("Marco")
    other.get_by_label("Password").fill("marco long password")
    other.get_by_label("I accept the terms of service and the privacy policy").check()
    other.get_by_label("I am 18 years of age or older").check()
    other.get_by_role("button", name="Join the workspace").click()
    expect(other.get_by_text("Welcome to Taller Luna!")).to_be_visible()

    page.reload()
    expect(page.get_by_role("cell", name=colleague)).to_be_visible()


def test_repeated_failures_lock_the_account(page, new_page):
    email = f"owner{next(_n)}@example.com"
    sign_up(page, email)
    visitor = new_page()
    for _ in range(5):
        visitor.goto("/login")
        visitor.get_by_label("E-mail").fill(email)
        visitor.get_by_label("Password").fill("not the password")
        visitor.get_by_role("button", name="Sign in").click()
    expect(visitor.get_by_text("Too many failed sign-ins")).to_be_visible()
    visitor.get_by_label("E-mail").fill(email)
    visitor.get_by_label("Password").fill("a long password 1")
    visitor.get_by_role("button", name="Sign in").click()
    expect(visitor.get_by_text("Too many failed sign-ins")).to_be_visible()


def test_create_an_api_token_shown_once(page):
    sign_up(page, f"owner{next(_n)}@example.com")
    page.goto("/profile")
    page.get_by_label("Token name").fill("Zapier")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("code.token").inner_text()
    assert token.startswith("cnv_")
    page.goto("/profile")
    expect(page.locator("code.token")).to_have_count(0)
    expect(page.get_by_role("cell", name="Zapier")).to_be_visible()


def test_phone_sized_menu_opens(browser, live_server):
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    sign_up(phone, f"owner{next(_n)}@example.com")
    expect(phone.get_by_role("link", name="Team", exact=True)).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("link", name="Team", exact=True)).to_be_visible()
    context.close()
