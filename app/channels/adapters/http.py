"""The one way out to provider APIs: a shared requests session, URL joining and error mapping.

429, 5xx and network failures become TransientError (retried with backoff); any other 4xx
becomes PermanentError carrying the provider's own reason. Messages never include URLs,
because Telegram puts the bot token in the path.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import requests

from app.channels.adapters.base import PermanentError, TransientError

TIMEOUT = (5, 20)  # connect, read
MAX_MEDIA_BYTES = 25 * 1024 * 1024
session = requests.Session()
session.headers["User-Agent"] = "Conversa/1.0"


def join(base: str, path: str) -> str:
    """`http://host/prefix` + `/v23.0/me` → `http://host/prefix/v23.0/me` (CONTRACT §1 prefixes)."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def provider_reason(response: requests.Response) -> str:
    """The provider's own words: Graph `error.message`, Telegram `description`, Twilio `message`."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}".strip()
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            code = error.get("code")
            return f"{error['message']}" + (f" (code {code})" if code is not None else "")
        for key in ("description", "message", "error_description"):
            if isinstance(body.get(key), str):
                code = body.get("code") or body.get("error_code")
                return body[key] + (f" (code {code})" if code is not None else "")
        if isinstance(error, str):
            return error
    return f"HTTP {response.status_code}"


def check(response: requests.Response, transient: Callable[[requests.Response], bool] | None = None):
    """Raise the right error for a refused answer; return the response otherwise."""
    status = response.status_code
    if status == 429 or status >= 500 or (status >= 400 and transient and transient(response)):
        raise TransientError(provider_reason(response))
    if status >= 400:
        raise PermanentError(provider_reason(response))
    return response


def request(method: str, url: str, *, transient=None, **kwargs) -> requests.Response:
    """One provider call; maps failures to TransientError / PermanentError."""
    kwargs.setdefault("timeout", TIMEOUT)
    try:
        response = session.request(method, url, **kwargs)
    except requests.Timeout as error:
        raise TransientError("the provider did not answer in time") from error
    except requests.RequestException as error:
        raise TransientError(f"could not reach the provider ({type(error).__name__})") from error
    return check(response, transient)


def _is_public(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            return False
    return True


def guard_url(url: str, allowed_hosts: Iterable[str]) -> None:
    """Refuse private, loopback and link-local targets unless the host is in ALLOWED_FETCH_HOSTS."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PermanentError("attachment URL is not http(s)")
    if parts.hostname in set(allowed_hosts):
        return
    if not _is_public(parts.hostname):
        raise PermanentError("attachment address is private, loopback or link-local")


def download(url: str, *, allowed_hosts: Iterable[str], max_bytes: int, **kwargs) -> tuple[bytes, str]:
    """GET a file through the address guard with a size cap; (content, content type)."""
    guard_url(url, allowed_hosts)
    # Redirects are followed by hand so every hop passes the guard.
    for _ in range(5):
        response = request("GET", url, stream=True, allow_redirects=False, **kwargs)
        if response.is_redirect:
            url = requests.compat.urljoin(url, response.headers["Location"])
            guard_url(url, allowed_hosts)
            continue
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > max_bytes:
            raise PermanentError(f"attachment larger than {max_bytes} bytes")
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                response.close()
                raise PermanentError(f"attachment larger than {max_bytes} bytes")
            chunks.append(chunk)
        content_type = response.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip()
        return b"".join(chunks), content_type
    raise PermanentError("too many redirects")
