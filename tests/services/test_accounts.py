"""Accounts: departments, users, passwords, tokens."""

import pytest

from feedback.auth import services, sessions
from feedback.errors import InvalidInput, InvalidTransition, PermissionDenied

from .. import factories


def test_department_codes_are_unique_and_uppercased(people):
    dep = services.create_department(people.admin, "sxd", "Sở Xây dựng")
    assert dep.code == "SXD"
    with pytest.raises(InvalidTransition):
        services.create_department(people.admin, "SXD", "Trùng")


@pytest.mark.parametrize("role", ["drafter", "chair", "lead", "reviewer"])
def test_only_admin_manages_accounts(people, role):
    with pytest.raises(PermissionDenied):
        services.create_department(getattr(people, role), "SYT", "Sở Y tế")


def test_department_roles_need_a_department(people):
    with pytest.raises(InvalidInput):
        services.create_user(
            people.admin, username="x1", name="X", role="lead", password="Rất-dài-123"
        )
    with pytest.raises(InvalidInput):
        services.create_user(
            people.admin,
            username="x2",
            name="X",
            role="chair",
            password="Rất-dài-123",
            department=people.department,
        )


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "password",
        "12345678",
        "matkhau123",
        "aaaaaaaa",
        " " * 8,
        " " * 12,
        "qwertyui",
        "qwertyuiop",
        "aaaaaaaaaaaa",
        "1234567890",
        "Demo@2025",  # 9 characters: the demo keeps it, no one else may
        "hoang.van.nam",  # the username
        "hoangvannam1",  # the username, run together, with a digit
        "Hoàng Văn Nam",  # the person's own name
    ],
)
def test_weak_passwords_are_refused(people, password):
    with pytest.raises(InvalidInput) as refused:
        services.create_user(
            people.admin,
            username="hoang.van.nam",
            name="Hoàng Văn Nam",
            role="chair",
            password=password,
        )
    assert refused.value.details == {"field": "password"}


def test_the_factories_password_passes_the_policy(people):
    services.check_password_policy(factories.PASSWORD, people.lead)


def test_long_passphrase_without_composition_rules_is_fine(people):
    user = services.create_user(
        people.admin,
        username="long",
        name="Z",
        role="chair",
        password="một câu thật dài không cần ký tự đặc biệt " * 2,
    )
    assert user.password_hash.startswith("$argon2id$")


def test_older_scrypt_hashes_are_rehashed_with_argon2id_at_the_next_login(people):
    from werkzeug.security import generate_password_hash

    people.lead.password_hash = generate_password_hash(factories.PASSWORD, method="scrypt")
    assert services.authenticate("stc.lead", "wrong-password") is None
    assert people.lead.password_hash.startswith("scrypt:")  # only a right password rehashes
    assert services.authenticate("stc.lead", factories.PASSWORD) == people.lead
    assert people.lead.password_hash.startswith("$argon2id$")
    assert services.authenticate("stc.lead", factories.PASSWORD) == people.lead


def test_unknown_users_cost_an_argon2id_verification_too(people, monkeypatch):
    from feedback.auth import passwords

    checked = []
    original = passwords.verify_password
    monkeypatch.setattr(
        passwords, "verify_password", lambda h, p: checked.append(h) or original(h, p)
    )
    assert services.authenticate("khong.ton.tai", factories.PASSWORD) is None
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_authenticate(people):
    assert services.authenticate("STC.LEAD", factories.PASSWORD) == people.lead
    assert services.authenticate("stc.lead", "wrong") is None
    assert services.authenticate("nobody", factories.PASSWORD) is None
    services.update_user(people.admin, people.lead, active=False)
    assert services.authenticate("stc.lead", factories.PASSWORD) is None


def _live_session(user):
    secret = sessions.start_session(user, address="10.0.0.1", user_agent="Firefox")
    return secret


def test_role_change_and_deactivation_end_the_sessions(people):
    secret = _live_session(people.reviewer)
    services.update_user(people.admin, people.reviewer, name="Tên mới")
    assert sessions.session_for_secret(secret) is not None
    services.update_user(people.admin, people.reviewer, role="lead", department=people.department)
    assert sessions.session_for_secret(secret) is None


def test_admin_cannot_lock_themselves_out(people):
    with pytest.raises(InvalidTransition):
        services.update_user(people.admin, people.admin, active=False)


def test_tokens_authenticate_until_revoked(people):
    token = services.issue_token(people.chair)
    assert services.user_for_token(token) == people.chair
    services.revoke_token(people.chair, token)
    assert services.user_for_token(token) is None
    assert services.user_for_token("not-a-token") is None
