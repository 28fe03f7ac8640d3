"""Facebook Login for Business: the dialog, the code exchange and the person's pages."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import sqlalchemy as sa

from app.channels.adapters.meta import GraphClient
from app.extensions import db
from app.models import FacebookConnection

# https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
SCOPES = (
    "pages_show_list,pages_messaging,pages_manage_metadata,business_management,"
    "instagram_basic,instagram_manage_messages"
)


def dialog_url(config: Mapping, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "client_id": config.get("META_APP_ID") or "",
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": SCOPES,
            "response_type": "code",
        }
    )
    return f"https://www.facebook.com/{config['META_GRAPH_VERSION']}/dialog/oauth?{query}"


def exchange_code(config: Mapping, code: str, redirect_uri: str) -> str:
    """The person's user access token, from the code the dialog sent back."""
    client = GraphClient(config, "")
    answer = client.call(
        "GET",
        "oauth/access_token",
        versioned=False,
        params={
            "client_id": config.get("META_APP_ID") or "",
            "client_secret": config.get("META_APP_SECRET") or "",
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )
    return answer["access_token"]


def pages(config: Mapping, user_token: str) -> list[dict]:
    """[{id, name, access_token, instagram: {id, username} | None}] the person can manage."""
    answer = GraphClient(config, user_token).call(
        "GET", "me/accounts", params={"fields": "id,name,access_token,instagram_business_account{id,username}"}
    )
    return [
        {
            "id": page["id"],
            "name": page.get("name", page["id"]),
            "access_token": page.get("access_token", ""),
            "instagram": page.get("instagram_business_account"),
        }
        for page in answer.get("data", [])
    ]


def facebook_user_id(config: Mapping, user_token: str) -> str:
    """The person's app-scoped id: what Meta's deauthorize and data-deletion callbacks name."""
    return str(GraphClient(config, user_token).call("GET", "me", params={"fields": "id"})["id"])


def remember_login(user_id: int, fb_user_id: str, user_token: str) -> FacebookConnection:
    """Keep the member's Facebook connection (one per person and id), so a deauthorize or a
    deletion request from Meta can find and remove it."""
    connection = db.session.scalar(
        sa.select(FacebookConnection).where(
            FacebookConnection.user_id == user_id, FacebookConnection.facebook_user_id == fb_user_id
        )
    ) or FacebookConnection(user_id=user_id, facebook_user_id=fb_user_id)
    connection.token = user_token
    db.session.add(connection)
    return connection
