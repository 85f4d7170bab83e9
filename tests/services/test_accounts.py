"""Accounts: departments, users, passwords, tokens."""

import pytest

from feedback.auth import services
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


@pytest.mark.parametrize("password", ["short", "password", "12345678", "matkhau123"])
def test_weak_passwords_are_refused(people, password):
    with pytest.raises(InvalidInput):
        services.create_user(
            people.admin, username="weak", name="Y", role="chair", password=password
        )


def test_long_passphrase_without_composition_rules_is_fine(people):
    user = services.create_user(
        people.admin,
        username="long",
        name="Z",
        role="chair",
        password="một câu thật dài không cần ký tự đặc biệt " * 2,
    )
    assert user.password_hash.startswith("scrypt:")


def test_authenticate(people):
    assert services.authenticate("STC.LEAD", factories.PASSWORD) == people.lead
    assert services.authenticate("stc.lead", "wrong") is None
    assert services.authenticate("nobody", factories.PASSWORD) is None
    services.update_user(people.admin, people.lead, active=False)
    assert services.authenticate("stc.lead", factories.PASSWORD) is None


def test_role_change_and_deactivation_rotate_the_session_token(people):
    token = people.reviewer.session_token
    services.update_user(people.admin, people.reviewer, name="Tên mới")
    assert people.reviewer.session_token == token
    services.update_user(people.admin, people.reviewer, role="lead", department=people.department)
    assert people.reviewer.session_token != token


def test_admin_cannot_lock_themselves_out(people):
    with pytest.raises(InvalidTransition):
        services.update_user(people.admin, people.admin, active=False)


def test_tokens_authenticate_until_revoked(people):
    token = services.issue_token(people.chair)
    assert services.user_for_token(token) == people.chair
    services.revoke_token(people.chair, token)
    assert services.user_for_token(token) is None
    assert services.user_for_token("not-a-token") is None
