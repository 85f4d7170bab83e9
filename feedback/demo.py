"""Demo data: the province's draft report, its drafting team, chair and departments."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from .auth import services as accounts
from .auth.models import Department, Role, User
from .extensions import db
from .reports import services as reports
from .reports.models import Report

DEMO_PASSWORD = "Demo@2025"

DEPARTMENTS = [
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SXD", "Sở Xây dựng"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SLDTBXH", "Sở Lao động – Thương binh và Xã hội"),
    ("CTK", "Cục Thống kê tỉnh"),
]

# (username, name, role, department code)
PEOPLE = [
    ("quantri", "Đỗ Minh Quân (Quản trị hệ thống)", Role.ADMIN, None),
    ("chutich", "Trần Văn Minh (Chủ tịch UBND tỉnh)", Role.CHAIR, None),
    ("tosoanthao", "Phạm Thu Hà (Tổ soạn thảo – Sở KH&ĐT)", Role.DRAFTER, None),
    ("tosoanthao2", "Lê Quang Huy (Tổ soạn thảo – Sở KH&ĐT)", Role.DRAFTER, None),
]
LEADS = ["Nguyễn Thị Lan", "Vũ Đức Thành", "Hoàng Văn Nam", "Bùi Thị Hương", "Đặng Quốc Khánh",
         "Ngô Thị Mai", "Phan Văn Long", "Trịnh Thị Thu", "Lý Văn Hải", "Mai Thị Ngọc"]
REVIEWERS = ["Đinh Văn An", "Tạ Thị Bích", "Cao Minh Tuấn", "Lương Thị Hạnh", "Dương Văn Phúc",
             "Hà Thị Yến", "Kiều Văn Sơn", "Chu Thị Trang", "Tô Văn Dũng", "Lâm Thị Hoa"]

REPORT_FILE = Path(__file__).with_name("demo_report.md")


def _people():
    yield from PEOPLE
    for (code, _name), lead, reviewer in zip(DEPARTMENTS, LEADS, REVIEWERS, strict=True):
        yield (f"{code.lower()}.lanhdao", f"{lead} (Lãnh đạo {code})", Role.LEAD, code)
        yield (f"{code.lower()}.canbo", f"{reviewer} (Cán bộ {code})", Role.REVIEWER, code)


def load() -> bool:
    """Create whatever part of the demo data is missing; True if anything was created."""
    created = False
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    for code, name in DEPARTMENTS:
        if code not in departments:
            departments[code] = accounts.create_department(None, code, name)
            created = True
    existing = set(db.session.scalars(select(User.username)))
    for username, name, role, code in _people():
        if username not in existing:
            accounts.create_user(
                None, username=username, name=name, role=role.value, password=DEMO_PASSWORD,
                department=departments[code] if code else None,
            )
            created = True
    db.session.flush()
    drafter = db.session.scalar(select(User).where(User.username == "tosoanthao"))
    if db.session.scalar(select(Report.id).limit(1)) is None:
        reports.import_report(drafter, title=None, markdown=REPORT_FILE.read_text(encoding="utf-8"))
        created = True
    return created


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for username, name, role, _code in _people():
        lines.append(f"  {username:<18} {role.value:<9} {name}")
    return "\n".join(lines)
