"""A loopback Stripe API (the parts Conversa calls) with Stripe's response shapes, and webhook
events signed with Stripe's scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`.

Point STRIPE_API_BASE at `server.base_url`; `.calls` records (method, path, form params).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test{next(_ids):06d}"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def subscription(
    sub_id: str,
    customer: str,
    price: str,
    status: str = "active",
    *,
    period_end: int | None = None,
    trial_end: int | None = None,
    canceled_at: int | None = None,
    cancel_at_period_end: bool = False,
    metadata: dict | None = None,
) -> dict:
    """A subscription as API version 2025-03-31 and later return it (periods on the item)."""
    now = int(time.time())
    period_end = period_end or now + 30 * 86400
    return {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": now,
        "cancel_at": None,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": canceled_at,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": "usd",
        "customer": customer,
        "ended_at": canceled_at if status == "canceled" else None,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_{sub_id[4:]}",
                    "object": "subscription_item",
                    "current_period_start": period_end - 30 * 86400,
                    "current_period_end": period_end,
                    "price": {
                        "id": price,
                        "object": "price",
                        "active": True,
                        "currency": "usd",
                        "product": "prod_test",
                        "recurring": {"interval": "month", "interval_count": 1},
                        "type": "recurring",
                        "unit_amount": 2900,
                    },
                    "quantity": 1,
                    "subscription": sub_id,
                }
            ],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata or {},
        "start_date": now,
        "status": status,
        "trial_end": trial_end,
        "trial_start": None if trial_end is None else now,
    }


def checkout_session(session_id: str, customer: str, subscription_id: str, workspace_id: int, **fields) -> dict:
    values = {
        "id": session_id,
        "object": "checkout.session",
        "client_reference_id": str(workspace_id),
        "customer": customer,
        "mode": "subscription",
        "payment_status": "paid",
        "status": "complete",
        "subscription": subscription_id,
        "metadata": {},
        "livemode": False,
        "url": None,
    }
    values.update(fields)
    return values


def invoice(customer: str, subscription_id: str, *, status: str = "paid", period_end: int | None = None) -> dict:
    """An invoice as current API versions return it (subscription under `parent`)."""
    now = int(time.time())
    return {
        "id": new_id("in"),
        "object": "invoice",
        "amount_due": 2900,
        "amount_paid": 2900 if status == "paid" else 0,
        "billing_reason": "subscription_cycle",
        "currency": "usd",
        "customer": customer,
        "livemode": False,
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": subscription_id},
        },
        "period_end": period_end or now,
        "period_start": (period_end or now) - 30 * 86400,
        "status": status,
    }


def event(event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


class FakeStripe:
    """State and the request handler's answers; tests read `.calls` and seed `.subscriptions`."""

    def __init__(self, api_key: str):
        self.api_key = api_key
        self.calls: list[tuple[str, str, dict]] = []
        self.customers: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.idempotent: dict[str, dict] = {}
        self.fail_next_status: int | None = None
        self.base_url = ""
        self.prefix = ""
        self.pages_url = ""  # where Checkout and portal pages are served (https for browsers)

    @property
    def api_base(self) -> str:
        """What STRIPE_API_BASE is set to."""
        return self.base_url + self.prefix

    def reset(self) -> None:
        self.calls.clear()
        self.customers.clear()
        self.subscriptions.clear()
        self.idempotent.clear()
        self.fail_next_status = None

    def fail_next(self, status: int = 500) -> None:
        self.fail_next_status = status

    def answer(self, method: str, path: str, params: dict, headers) -> tuple[int, dict]:
        self.calls.append((method, path, params))
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, _error("Invalid API Key provided.", "invalid_request_error")
        if self.fail_next_status:
            status, self.fail_next_status = self.fail_next_status, None
            return status, _error("Something went wrong on Stripe's end.", "api_error")
        key = headers.get("Idempotency-Key")
        if method == "POST" and key in self.idempotent:
            return 200, self.idempotent[key]
        status, body = self._route(method, path, params)
        if method == "POST" and key and status == 200:
            self.idempotent[key] = body
        return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if (method, path) == ("POST", "/v1/customers"):
            return 200, self._customer(params)
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return 200, self._checkout(params)
        if (method, path) == ("POST", "/v1/billing_portal/sessions"):
            return 200, self._portal(params)
        if path.startswith("/v1/subscriptions/"):
            sub = self.subscriptions.get(path.rsplit("/", 1)[1])
            if sub is None:
                return 404, _error("No such subscription", "invalid_request_error", code="resource_missing")
            if method == "DELETE":
                now = int(time.time())
                sub.update(status="canceled", canceled_at=now, ended_at=now)
            return 200, sub
        return 404, _error(f"Unrecognized request URL ({method}: {path}).", "invalid_request_error")

    def _customer(self, params: dict) -> dict:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "livemode": False,
            "created": int(time.time()),
        }
        self.customers[customer["id"]] = customer
        return customer

    def _checkout(self, params: dict) -> dict:
        session_id = new_id("cs")
        return {
            "id": session_id,
            "object": "checkout.session",
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "subscription": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "livemode": False,
            "url": f"{self.pages_url or self.base_url}/c/pay/{session_id}",
        }

    def _portal(self, params: dict) -> dict:
        session_id = new_id("bps")
        return {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": params.get("customer"),
            "return_url": params.get("return_url"),
            "livemode": False,
            "url": f"{self.pages_url or self.base_url}/p/session/{session_id}",
        }


def _error(message: str, kind: str, code: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind, "code": code}}


def _handler(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            params = dict(parse_qsl(body or url.query, keep_blank_values=True))
            if method == "GET" and url.path.startswith(("/c/pay/", "/p/session/")):
                self._page(url.path)
                return
            if url.path.startswith(fake.prefix + "/"):
                status, answer = fake.answer(method, url.path[len(fake.prefix) :], params, self.headers)
            else:
                status, answer = 404, _error("Unknown prefix", "invalid_request_error")
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", new_id("req"))
            self.end_headers()
            self.wfile.write(data)

        def _page(self, path: str) -> None:
            title = "Fake Stripe Checkout" if path.startswith("/c/pay/") else "Fake Stripe customer portal"
            data = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{path}</p>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            self._serve("POST")

        def do_DELETE(self):
            self._serve("DELETE")

        def log_message(self, *args):
            pass

    return Handler


def start(api_key: str = "sk_test_conversa", prefix: str = "/stripe") -> tuple[FakeStripe, ThreadingHTTPServer]:
    """Serve a FakeStripe on 127.0.0.1 (any free port) in a thread; its base URL has a path prefix
    so the client's joining of prefixed bases is exercised too."""
    fake = FakeStripe(api_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.prefix = prefix
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def serve_pages_over_tls(fake: FakeStripe) -> ThreadingHTTPServer:
    """Serve the Checkout and portal pages over HTTPS (a throwaway self-signed certificate), as
    Stripe does: our Content-Security-Policy lets forms lead only to https: origins."""
    import ssl
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="fake-stripe-tls-"))
    cert, key = _self_signed(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    fake.pages_url = f"https://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _self_signed(folder) -> tuple[str, str]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_path), str(key_path)
