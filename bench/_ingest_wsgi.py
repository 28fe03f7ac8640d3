"""The production app plus a bare "hello" route: the baseline under the same gunicorn settings."""

from app import create_app

app = create_app()
app.add_url_rule("/bench/hello", "bench_hello", lambda: "hello")
