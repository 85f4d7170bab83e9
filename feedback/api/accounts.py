"""API: tokens, the current user, departments and users."""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions
from ..auth import services, throttle
from ..auth.models import Department, User
from ..extensions import db, limiter
from . import serializers
from .blueprint import bp
from .errors import error_response
from .schemas import DepartmentCreate, TokenRequest, UserCreate
from .util import parse


@bp.post("/tokens")
@limiter.limit(throttle.per_address_limit)
@limiter.limit(
    throttle.per_account_limit, key_func=throttle.address_and_username, deduct_when=throttle.failed
)
def create_token():
    body = parse(TokenRequest)
    user = services.authenticate(body.username, body.password)
    if user is None:
        services.log_failed_login(body.username, via="api")
        return error_response(401, "invalid_credentials", _("Wrong username or password."))
    token = services.issue_token(user)
    return jsonify({"token": token, "user": serializers.user(user)}), 201


@bp.delete("/tokens/current")
def revoke_current_token():
    services.revoke_token(g.actor, g.api_token)
    return "", 204


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
