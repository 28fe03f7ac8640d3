"""CONTRACT §2 commands: one JSON object on the last line, clear errors on stderr."""

import json

from app.auth import api_tokens


def _last_json(result) -> dict:
    return json.loads(result.output.strip().splitlines()[-1])


def test_workspace_create_and_token_create(runner, db):
    result = runner.invoke(
        args=[
            "workspace",
            "create",
            "--name",
            "Tienda",
            "--owner-email",
            "dueno@example.com",
            "--owner-password",
            "long password 1",
        ]
    )
    assert result.exit_code == 0, result.output
    created = _last_json(result)
    assert set(created) == {"id", "owner_id"}
    result = runner.invoke(args=["token", "create", "--workspace", str(created["id"]), "--email", "dueno@example.com"])
    assert result.exit_code == 0, result.output
    membership = api_tokens.membership_for_token(_last_json(result)["token"])
    assert (membership.workspace_id, membership.user_id) == (created["id"], created["owner_id"])


def test_workspace_create_rejects_a_bad_email(runner):
    result = runner.invoke(
        args=["workspace", "create", "--name", "X", "--owner-email", "nope", "--owner-password", "long password 1"]
    )
    assert result.exit_code != 0
    assert "--owner-email" in result.output


def test_token_create_for_a_non_member_fails(runner, workspace):
    result = runner.invoke(
        args=["token", "create", "--workspace", str(workspace.id), "--email", "stranger@example.com"]
    )
    assert result.exit_code != 0
    assert "not a member" in result.output


def test_worker_burst_drains_the_queues(runner, app):
    from app.jobs import enqueue, get_queue
    from app.jobs.maintenance import purge_expired_credentials

    enqueue(purge_expired_credentials)
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert _last_json(result)["burst"] is True
    assert get_queue("maintenance").count == 0
