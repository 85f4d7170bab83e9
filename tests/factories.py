"""Test data built through the real services (never by poking rows)."""

from __future__ import annotations

import itertools

from feedback.auth import services as accounts
from feedback.auth.models import Department, User
from feedback.extensions import db
from feedback.reports import services as reports

PASSWORD = "Correct-Horse-9"
_seq = itertools.count(1)

REPORT_MD = """# Báo cáo kết quả thực hiện Nghị quyết nhiệm kỳ 2015 – 2020

## I. ĐÁNH GIÁ KẾT QUẢ

Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm, cao hơn mục tiêu đề ra.

### 1. Các chỉ tiêu chủ yếu

| STT | Chỉ tiêu | Đánh giá |
|---:|---|---|
| 1 | Tăng trưởng GRDP | Vượt |
| 2 | Cơ cấu kinh tế | Không đạt |

### 2. Kinh tế

Cơ cấu kinh tế chuyển dịch tích cực; dịch vụ tăng 11,2%/năm.

Công nghiệp chế biến từng bước thay thế khai khoáng.

## II. PHƯƠNG HƯỚNG 2020 – 2025

- Phát triển nhanh và bền vững.
- Lấy đổi mới sáng tạo làm động lực.
"""


def department(code: str | None = None, name: str | None = None) -> Department:
    n = next(_seq)
    dep = accounts.create_department(None, code or f"D{n}", name or f"Sở thử nghiệm {n}")
    db.session.flush()
    return dep


def user(
    role: str = "reviewer",
    dept: Department | None = None,
    username: str | None = None,
    name: str | None = None,
) -> User:
    n = next(_seq)
    if role in ("lead", "reviewer") and dept is None:
        dept = department()
    u = accounts.create_user(
        None,
        username=username or f"{role}{n}",
        name=name or f"Người dùng {n}",
        role=role,
        password=PASSWORD,
        department=dept,
    )
    db.session.flush()
    return u


def report(drafter: User, markdown: str = REPORT_MD, title: str | None = None):
    r = reports.import_report(drafter, title=title, markdown=markdown)
    db.session.flush()
    return r
