"""The features meet on a real webhook: ingestion hands inbound messages to automation."""

import sqlalchemy as sa

from app.extensions import db
from app.inbox.settings import add_keyword
from app.models import ChannelKind, Message, MessageKind, MessageStatus
from tests.fakes import samples
from tests.webhook_client import connect_sample_channel, post_payload


def test_a_keyword_in_a_real_webhook_gets_the_automatic_reply(client, workspace, providers, run_jobs):
    channel = connect_sample_channel(workspace, ChannelKind.TELEGRAM)
    add_keyword(workspace, "envíos", "Enviamos a todo Chile en 48 horas.")
    db.session.commit()
    payload = samples.load("telegram", "text", providers.base + "/media")
    assert post_payload(client, channel, payload).status_code == 200
    run_jobs()
    [reply] = db.session.scalars(sa.select(Message).where(Message.kind == MessageKind.AUTO)).all()
    assert (reply.text, reply.status) == ("Enviamos a todo Chile en 48 horas.", MessageStatus.SENT)
    assert [call["json"]["text"] for call in providers.calls_to("sendMessage")] == [reply.text]
