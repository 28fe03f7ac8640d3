"""GET /healthz as CONTRACT §3 writes it."""


def test_healthz_reports_database_and_jobs_mode(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "jobs": "rq"}


def test_healthz_is_503_when_redis_is_down_in_rq_mode(app, client):
    from redis import Redis

    app.extensions["redis"] = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        response = client.get("/healthz")
    finally:
        app.extensions["redis"] = Redis.from_url(app.config["REDIS_URL"])
    assert response.status_code == 503
    assert response.get_json()["redis"] == "unavailable"
