"""signed_request.parse (CONTRACT §5): base64url without padding, HMAC-SHA256 over the payload part."""

import pytest

from app.privacy.signed_request import SignedRequestError, parse
from tests.fakes.signed_request import b64url, signed_request

SECRET = "s3cret"


def test_valid_request_gives_the_payload():
    payload = parse(signed_request("12345", SECRET), SECRET)
    assert payload["user_id"] == "12345" and payload["algorithm"] == "HMAC-SHA256"


def test_numeric_user_id_is_read_as_text():
    import hashlib
    import hmac
    import json

    body = b64url(json.dumps({"algorithm": "HMAC-SHA256", "user_id": 987, "issued_at": 1}).encode())
    signature = b64url(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest())
    assert parse(f"{signature}.{body}", SECRET)["user_id"] == "987"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",
        "a.b.c",
        signed_request("1", "other"),
        signed_request("1", SECRET, algorithm="none"),
        signed_request("1", SECRET)[:-3],
        "é." + signed_request("1", SECRET).split(".")[1],
        "x" * 9000 + "." + "y",
    ],
)
def test_bad_values_raise_a_named_error(value):
    with pytest.raises(SignedRequestError):
        parse(value, SECRET)


def test_no_app_secret_means_nothing_verifies():
    with pytest.raises(SignedRequestError):
        parse(signed_request("1", SECRET), None)
