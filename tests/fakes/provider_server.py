"""A loopback stand-in for Graph, the Telegram Bot API and Twilio, answering with their real shapes.

Runs in a thread (stdlib http.server). Every request is recorded in `.calls`; `.fail_next(status)`
makes the next answer an error in that provider's format; `.files` serves media bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BAD_TOKEN = "bad-token"


class ProviderServer:
    def __init__(self):
        self.calls: list[dict] = []
        self.failures: list[tuple[int, dict | None]] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self.pages_of: dict[str, list[tuple[str, str]]] = {}  # app-scoped id → [(page id, psid)]
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # Base URLs with a path prefix, as CONTRACT §1 allows.
    @property
    def graph_url(self) -> str:
        return self.base + "/graph"

    @property
    def telegram_url(self) -> str:
        return self.base + "/telegram"

    @property
    def twilio_url(self) -> str:
        return self.base + "/twilio"

    def media_url(self, name: str) -> str:
        return f"{self.base}/media/{name}"

    def start(self) -> ProviderServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.failures.clear()
            self.pages_of = {}
            self.files = {"photo.png": (PNG, "image/png")}

    def fail_next(self, status: int, body: dict | None = None, times: int = 1) -> None:
        """The next `times` answers are errors with this status (the provider's own error format)."""
        with self.lock:
            self.failures.extend([(status, body)] * times)

    def calls_to(self, fragment: str) -> list[dict]:
        return [call for call in self.calls if fragment in call["path"]]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

            def _dispatch(self, method: str):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = {
                    "method": method,
                    "path": parts.path,
                    "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                    "headers": dict(self.headers),
                    "body": body,
                    "json": None,
                    "form": {},
                }
                kind = self.headers.get("Content-Type", "")
                if "json" in kind and body:
                    call["json"] = json.loads(body)
                elif "x-www-form-urlencoded" in kind:
                    call["form"] = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                with server.lock:
                    server.calls.append(call)
                    failure = server.failures.pop(0) if server.failures else None
                if failure:
                    return self._json(failure[0], failure[1] or error_body(parts.path, failure[0]))
                status, answer = route(server, call)
                if isinstance(answer, tuple):  # raw file
                    content, content_type = answer
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                else:
                    self._json(status, answer)

            def _json(self, status: int, answer: dict):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def error_body(path: str, status: int) -> dict:
    """Each provider's error format, as their docs show it."""
    if path.startswith("/telegram"):
        text = "Too Many Requests: retry after 5" if status == 429 else "Bad Request: chat not found"
        return {"ok": False, "error_code": status, "description": text}
    if path.startswith("/twilio"):
        return {
            "code": 21211,
            "message": "The 'To' number +15005550001 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": status,
        }
    code = 4 if status == 429 else (2 if status >= 500 else 100)
    message = "(#100) The parameter recipient is invalid" if status < 429 else "An unexpected error has occurred."
    return {"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"}}


def route(server: ProviderServer, call: dict) -> tuple[int, dict | tuple]:
    path = call["path"]
    if path.startswith("/media/"):
        name = path.removeprefix("/media/")
        if name not in server.files:
            return 404, {"error": "not found"}
        return 200, server.files[name]
    if path.startswith("/graph/"):
        return graph(server, call, path.removeprefix("/graph/").split("/"))
    if path.startswith("/telegram/"):
        return telegram(server, call, path.removeprefix("/telegram/").split("/"))
    if path.startswith("/twilio/"):
        return twilio(server, call, path.removeprefix("/twilio/").split("/"))
    return 404, {"error": "unknown path"}


def _token(call: dict) -> str:
    auth = call["headers"].get("Authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else call["query"].get("access_token", "")


# GET /{waba_id}/message_templates, as Graph answers it (one approved, one still in review).
WHATSAPP_TEMPLATES = {
    "data": [
        {
            "name": "order_ready",
            "language": "en_US",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "594425479261596",
            "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready for pickup."}],
        },
        {
            "name": "spring_promo",
            "language": "es_MX",
            "status": "PENDING",
            "category": "MARKETING",
            "id": "594425479261597",
            "components": [{"type": "BODY", "text": "¡Promoción de primavera!"}],
        },
    ],
    "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"}},
}


FACEBOOK_USER_ID = "10158000000000001"  # the app-scoped id of the person who logs in

ME_ACCOUNTS = {
    "data": [
        {
            "id": "1122334455",
            "name": "Café Aurora",
            "access_token": "page-token-1122334455",
            "category": "Café",
            "tasks": ["MESSAGING", "MODERATE"],
            "instagram_business_account": {"id": "17841400000000001", "username": "cafe.aurora"},
        }
    ],
    "paging": {"cursors": {"before": "a", "after": "b"}},
}


def _graph_send(server: ProviderServer, call: dict, node: str, n: int) -> tuple[int, dict]:
    """POST /{node}/messages: WhatsApp Cloud API or the Messenger Send API answer."""
    sent = call["json"] or {}
    if sent.get("messaging_product") == "whatsapp":
        to = sent.get("to", "")
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": f"wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI{n:06d}"}],
        }
    recipient = (sent.get("recipient") or {}).get("id") or json.loads(call["form"].get("recipient", "{}")).get("id")
    return 200, {"recipient_id": recipient, "message_id": f"m_fake{n:08d}"}


# Graph edges (`/{version}/{node}/{edge}`) and the fake's answer to each.
GRAPH_EDGES = {
    "ids_for_pages": lambda server, call, node, n: ids_for_pages(server, call, node),
    "subscribed_apps": lambda server, call, node, n: (200, {"success": True}),
    "message_templates": lambda server, call, node, n: (200, WHATSAPP_TEMPLATES),
    "media": lambda server, call, node, n: (200, {"id": f"media-{n}"}),
    "messages": _graph_send,
}


def graph(server: ProviderServer, call: dict, parts: list[str]) -> tuple[int, dict]:
    if _token(call) == BAD_TOKEN:
        return 400, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
    if parts[-2:] == ["oauth", "access_token"]:
        return 200, {"access_token": "user-token-from-code", "token_type": "bearer", "expires_in": 5183944}
    n = next(server.counter)
    tail = parts[1:]  # after the version
    if len(tail) == 2 and tail[1] in GRAPH_EDGES:
        return GRAPH_EDGES[tail[1]](server, call, tail[0], n)
    if tail == ["me", "accounts"]:
        return 200, ME_ACCOUNTS
    if len(tail) == 1 and tail[0].startswith("media"):
        return 200, {
            "messaging_product": "whatsapp",
            "url": server.media_url("photo.png"),
            "mime_type": "image/png",
            "sha256": "0" * 64,
            "file_size": len(PNG),
            "id": tail[0],
        }
    if tail == ["me"]:
        return 200, {"id": FACEBOOK_USER_ID, "name": "Ana Rojas"}
    if len(tail) == 1:
        fields = call["query"].get("fields", "")
        if "display_phone_number" in fields:
            return 200, {"display_phone_number": "+1 555-010-0000", "verified_name": "Café Aurora", "id": tail[0]}
        return 200, {"first_name": "Ana", "last_name": "Rojas", "name": "Ana Rojas", "id": tail[0]}
    return 404, {"error": {"message": "Unknown path components", "type": "OAuthException", "code": 2500}}


def ids_for_pages(server: ProviderServer, call: dict, user_id: str) -> tuple[int, dict]:
    """An app token `APP_ID|APP_SECRET` with its appsecret_proof, as Graph requires for this edge."""
    token = _token(call)
    app_id, _, secret = token.partition("|")
    proof = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    if not app_id or not secret or call["query"].get("appsecret_proof") != proof:
        return 400, {"error": {"message": "Invalid appsecret_proof provided in the API argument", "code": 100}}
    data = [
        {"id": psid, "page": {"id": page_id, "name": f"Page {page_id}", "category": "Shopping"}}
        for page_id, psid in server.pages_of.get(user_id, [])
    ]
    return 200, {"data": data, "paging": {"cursors": {"before": "QVFIUb", "after": "QVFIUa"}}}


def telegram(server: ProviderServer, call: dict, parts: list[str]) -> tuple[int, dict | tuple]:
    if parts[0] == "file":
        name = parts[-1]
        return (200, server.files[name]) if name in server.files else (404, {"ok": False, "description": "Not Found"})
    token, method = parts[0].removeprefix("bot"), parts[1]
    if token == BAD_TOKEN:
        return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    n = next(server.counter)
    sent = call["json"] or call["form"] or {}
    results = {
        "getMe": {"id": 7000000001, "is_bot": True, "first_name": "Aurora Bot", "username": "aurora_shop_bot"},
        "setWebhook": True,
        "deleteWebhook": True,
        "getFile": {
            "file_id": sent.get("file_id"),
            "file_unique_id": "AQADuniq",
            "file_size": len(PNG),
            "file_path": "photos/photo.png",
        },
    }
    if method in results:
        answer = {"ok": True, "result": results[method]}
        if method == "setWebhook":
            answer["description"] = "Webhook was set"
        return 200, answer
    if method.startswith("send"):
        chat_id = sent.get("chat_id")
        return 200, {
            "ok": True,
            "result": {
                "message_id": 1000 + n,
                "from": {"id": 7000000001, "is_bot": True, "first_name": "Aurora Bot"},
                "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id, "type": "private"},
                "date": 1735689600,
                "text": sent.get("text", ""),
            },
        }
    return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


def twilio(server: ProviderServer, call: dict, parts: list[str]) -> tuple[int, dict]:
    import base64

    auth = call["headers"].get("Authorization", "")
    user, _, password = base64.b64decode(auth.removeprefix("Basic ") or b"").decode().partition(":")
    sid = parts[2] if len(parts) > 2 else ""
    if password == BAD_TOKEN or user != sid.removesuffix(".json"):
        return 401, {
            "code": 20003,
            "message": "Authenticate",
            "more_info": "https://www.twilio.com/docs/errors/20003",
            "status": 401,
        }
    if len(parts) == 3:  # Accounts/<sid>.json
        return 200, {"sid": user, "friendly_name": "Aurora", "status": "active", "type": "Full"}
    n = next(server.counter)
    form = call["form"]
    return 201, {
        "sid": f"SM{n:032x}",
        "account_sid": user,
        "to": form.get("To"),
        "from": form.get("From"),
        "body": form.get("Body"),
        "status": "queued",
        "num_segments": "1",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "uri": f"/2010-04-01/Accounts/{user}/Messages/SM{n:032x}.json",
    }
