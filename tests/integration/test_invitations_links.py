"""総合政策課 invites a 企業等 contact with an expiring one-time link (issue #3 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine.accounts.invitations import InvitationInvalidError, token_hash
from engine.accounts.service import AccountService, UserInput
from engine.errors import FormDataError
from engine.persistence.models import AuditEvent, Invitation

PASSWORD = "kaigan-seisou-2025"


@pytest.fixture
def accounts(engine) -> AccountService:
    return AccountService(engine)


@pytest.fixture
def invited(engine, accounts):
    """総合政策課 invites a second contact of 湘南サンプル株式会社."""
    shonan = engine.actor("shonan").organisation_id
    return accounts.invite_contact(engine.actor("seisaku"), shonan,
                                   UserInput("shonan-jiro", "湘南 次郎", "jiro@shonan.example.jp")).invitation


def test_the_invited_contact_sets_a_password_once_and_belongs_to_the_organisation(engine, accounts, invited):
    shown = accounts.invitation(invited.token)
    assert (shown.state, shown.username, shown.organisation_name) == ("valid", "shonan-jiro", "湘南サンプル株式会社")
    person = accounts.accept_invitation(invited.token, PASSWORD, PASSWORD)
    assert (person.role, person.organisation_name) == ("organisation", "湘南サンプル株式会社")
    assert accounts.invitation(invited.token).state == "used"
    with pytest.raises(InvitationInvalidError, match="既に使われています"):
        accounts.accept_invitation(invited.token, "another-password-1", "another-password-1")
    assert engine.authenticate("shonan-jiro", PASSWORD).username == "shonan-jiro"


def test_only_a_hash_of_the_token_is_stored(engine, invited):
    with engine.database.connect() as connection:
        rows = [tuple(str(v) for v in row) for row in connection.execute(text("SELECT * FROM invitation"))]
        audit = [str(row) for row in connection.execute(text("SELECT detail FROM audit_event"))]
    assert rows and not any(invited.token in value for row in rows for value in row)
    assert any(token_hash(invited.token) in row for row in rows)
    assert not any(invited.token in detail for detail in audit)


def test_the_link_expires_after_seven_days(engine, accounts, invited, clock):
    clock.now += timedelta(days=7, seconds=1)
    assert accounts.invitation(invited.token).state == "expired"
    with pytest.raises(InvitationInvalidError, match="有効期限が切れている"):
        accounts.accept_invitation(invited.token, PASSWORD, PASSWORD)


def test_a_new_link_retires_the_old_one(engine, accounts, invited):
    again = accounts.issue_password_link(engine.actor("seisaku"), invited.user_id)
    assert accounts.invitation(invited.token).state == "expired"
    assert accounts.invitation(again.token).state == "valid"


def test_an_unknown_link_and_a_deactivated_contact_get_no_password(engine, accounts, invited):
    assert accounts.invitation("not-a-real-token").state == "unknown"
    accounts.set_user_active(engine.actor("admin"), invited.user_id, False)
    with pytest.raises(InvitationInvalidError):
        accounts.accept_invitation(invited.token, PASSWORD, PASSWORD)


@pytest.mark.parametrize(("password", "confirmation", "field", "message"), [
    ("short", "short", "password", "パスワードは8文字以上で入力してください"),
    ("shonan-jiro-2025", "shonan-jiro-2025", "password", "パスワードに利用者名を含めないでください"),
    (PASSWORD, "kaigan-seisou-2026", "password_confirmation", "パスワード（確認）が一致しません。同じものを入力してください"),
])
def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(accounts, invited, password, confirmation,
                                                                          field, message):
    with pytest.raises(FormDataError) as refused:
        accounts.accept_invitation(invited.token, password, confirmation)
    assert refused.value.errors == {field: message}
    assert accounts.invitation(invited.token).state == "valid"


def test_the_invitation_is_audited_without_the_password(engine, accounts, invited):
    accounts.accept_invitation(invited.token, PASSWORD, PASSWORD)
    with engine.unit_of_work() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
            ["user_created", "invitation_issued", "password_set"])).order_by(AuditEvent.id)))
        assert [e.action for e in events] == ["user_created", "invitation_issued", "password_set"]
        assert all(PASSWORD not in str(e.detail) for e in events)
        assert session.scalar(select(Invitation.created_by_id)) == engine.actor("seisaku").user_id


def test_総合政策課_may_renew_a_contacts_link_but_not_a_staff_members(engine, accounts):
    from engine.errors import NotAllowedError

    with pytest.raises(NotAllowedError):
        accounts.issue_password_link(engine.actor("seisaku"), engine.actor("kankyo").user_id)
    assert accounts.issue_password_link(engine.actor("admin"), engine.actor("kankyo").user_id).username == "kankyo"
