"""API: tokens, the current user, departments and users."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..auth import services, sessions, throttle
from ..auth.models import Department, User
from ..errors import NotFound
from ..extensions import db
from ..transaction import keep_changes
from . import serializers
from .blueprint import bp
from .errors import error_response
from .schemas import DepartmentCreate, TokenRequest, UserCreate
from .util import parse


@bp.post("/tokens")
@throttle.per_address
@throttle.per_account
def create_token():
    body = parse(TokenRequest)
    user = services.authenticate(body.username, body.password)
    if user is None:
        services.record_failed_login(body.username, via="api", address=request.remote_addr)
        keep_changes()  # the failed login stays in the audit trail
        return error_response(401, "invalid_credentials", _("Wrong username or password."))
    row, token = services.api_login(user, address=request.remote_addr)
    return jsonify(
        {
            "token": token,
            "expires_at": serializers.iso(row.expires_at),
            "user": serializers.user(user),
        }
    ), 201


@bp.delete("/tokens/current")
def revoke_current_token():
    services.revoke_token(g.actor, g.api_token)
    return "", 204


@bp.post("/users/<int:uid>/revoke-tokens")
def revoke_user_tokens(uid: int):
    permissions.require(permissions.can_manage_accounts(g.actor))
    user = db.session.get(User, uid)
    if user is None:
        raise NotFound(_("There is no such user."))
    count = sessions.revoke_user_tokens(g.actor, user)
    return jsonify({"user": serializers.user(user), "revoked": count})


@bp.get("/me")
def me():
    return jsonify(serializers.user(g.actor))


@bp.get("/departments")
def list_departments():
    departments = db.session.scalars(select(Department).order_by(Department.code))
    return jsonify([serializers.department_with_mailbox(d) for d in departments])


@bp.post("/departments")
def create_department():
    permissions.require(permissions.can_manage_accounts(g.actor))
    body = parse(DepartmentCreate)
    department = services.create_department(g.actor, body.code, body.name, body.mailbox)
    return jsonify(serializers.department_with_mailbox(department)), 201


@bp.get("/users")
def list_users():
    permissions.require(permissions.can_manage_accounts(g.actor))
    users = db.session.scalars(select(User).order_by(User.username))
    return jsonify([serializers.user(u) for u in users])


@bp.post("/users")
def create_user():
    permissions.require(permissions.can_manage_accounts(g.actor))
    body = parse(UserCreate)
    department = services.get_department(body.department_code) if body.department_code else None
    user = services.create_user(
        g.actor,
        username=body.username,
        name=body.name,
        role=body.role,
        password=body.password,
        department=department,
        email=body.email,
        mail_frequency=body.mail_frequency,
    )
    return jsonify(serializers.user(user)), 201
