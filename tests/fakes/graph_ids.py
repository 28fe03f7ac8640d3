"""A loopback fake of Graph's ids_for_pages, checking the app token and appsecret_proof as Graph does.

https://developers.facebook.com/docs/graph-api/reference/user/ids_for_pages/
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class GraphIdsFake:
    def __init__(self, app_id: str, app_secret: str, version: str):
        self.app_id, self.app_secret, self.version = app_id, app_secret, version
        self.pages: dict[str, list[tuple[str, str]]] = {}  # user id → [(page id, psid)]
        self.calls: list[dict] = []
        self.fail_with: int | None = None
        self.server = make_server("127.0.0.1", 0, self._wsgi)
        self.url = f"http://127.0.0.1:{self.server.server_port}/graph"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.calls.append({"path": request.path, "args": dict(request.args)})
        response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        token = request.args.get("access_token", "")
        proof = hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        if token != f"{self.app_id}|{self.app_secret}" or request.args.get("appsecret_proof") != proof:
            return _json(
                {"error": {"message": "Invalid OAuth access token", "type": "OAuthException", "code": 190}}, 400
            )
        if self.fail_with:
            return _json({"error": {"message": "Service temporarily unavailable", "code": 2}}, self.fail_with)
        parts = request.path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["graph", self.version] or parts[3] != "ids_for_pages":
            return _json({"error": {"message": "Unknown path", "code": 803}}, 404)
        data = [
            {"id": psid, "page": {"id": page_id, "name": f"Page {page_id}", "category": "Shopping"}}
            for page_id, psid in self.pages.get(parts[2], [])
        ]
        return _json({"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}}, 200)

    def close(self):
        self.server.shutdown()


def _json(body: dict, status: int) -> Response:
    import json

    return Response(json.dumps(body), status=status, mimetype="application/json")
