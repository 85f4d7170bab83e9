"""Demo data: the province's draft report, its drafting team, chair and departments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from .auth import services as accounts
from .auth.models import Department, Role, User
from .errors import InvalidTransition
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
LEADS = [
    "Nguyễn Thị Lan",
    "Vũ Đức Thành",
    "Hoàng Văn Nam",
    "Bùi Thị Hương",
    "Đặng Quốc Khánh",
    "Ngô Thị Mai",
    "Phan Văn Long",
    "Trịnh Thị Thu",
    "Lý Văn Hải",
    "Mai Thị Ngọc",
]
REVIEWERS = [
    "Đinh Văn An",
    "Tạ Thị Bích",
    "Cao Minh Tuấn",
    "Lương Thị Hạnh",
    "Dương Văn Phúc",
    "Hà Thị Yến",
    "Kiều Văn Sơn",
    "Chu Thị Trang",
    "Tô Văn Dũng",
    "Lâm Thị Hoa",
]

# The keyword map that assigns the demo's indicators to the department answering for them.
KEYWORDS = [
    ("GRDP", "CTK"),
    ("cơ cấu kinh tế", "CTK"),
    ("năng suất lao động", "CTK"),
    ("ngân sách", "STC"),
    ("vốn đầu tư", "STC"),
    ("đô thị hóa", "SXD"),
    ("nông thôn mới", "SNN"),
    ("che phủ rừng", "SNN"),
    ("hộ nghèo", "SLDTBXH"),
    ("lao động qua đào tạo", "SLDTBXH"),
    ("bác sĩ", "SYT"),
    ("bảo hiểm y tế", "SYT"),
    ("chất thải rắn", "STNMT"),
]

REPORT_FILE = Path(__file__).with_name("demo_report.md")
# The administrative format as Quảng Ninh's People's Committee writes its reports.
DOCUMENT_FORMAT = {
    "superior_body": "",
    "issuing_body": "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
    "document_number": "      /BC-UBND",
    "place": "Quảng Ninh",
    "document_type": "BÁO CÁO",
    "signature_block": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Thành",
    "recipients": "- Ban Thường vụ Tỉnh ủy (b/c);\n- Thường trực HĐND tỉnh (b/c);\n"
    "- CT, các PCT UBND tỉnh;\n- Các sở, ban, ngành thuộc tỉnh;\n"
    "- UBND các huyện, thị xã, thành phố;\n- V0-V3, TH;\n- Lưu: VT, TH.",
}


def _people():
    yield from PEOPLE
    for (code, _name), lead, reviewer in zip(DEPARTMENTS, LEADS, REVIEWERS, strict=True):
        yield (f"{code.lower()}.lanhdao", f"{lead} (Lãnh đạo {code})", Role.LEAD, code)
        yield (f"{code.lower()}.canbo", f"{reviewer} (Cán bộ {code})", Role.REVIEWER, code)


def load() -> bool:
    """Create whatever part of the demo data is missing; True if anything was created.
    Never in production: the demo accounts' password is published."""
    if current_app.config.get("FEEDBACK_ENV") == "production":
        raise InvalidTransition(
            "The demo data (whose passwords are published) is never loaded when "
            "FEEDBACK_ENV=production."
        )
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
                None,
                username=username,
                name=name,
                role=role.value,
                password=DEMO_PASSWORD,
                department=departments[code] if code else None,
                # The documented demo password predates the policy; demo accounts are
                # never in production (the loader refuses there).
                skip_password_policy=True,
                must_change_password=False,
            )
            created = True
    db.session.flush()
    drafter = db.session.scalar(select(User).where(User.username == "tosoanthao"))
    if db.session.scalar(select(Report.id).limit(1)) is None:
        _keyword_map()
        report = reports.import_report(
            drafter, title=None, markdown=REPORT_FILE.read_text(encoding="utf-8")
        )
        db.session.flush()
        reports.update_report(drafter, report, document_format=DOCUMENT_FORMAT)
        _next_period_table(report, drafter)
        _consultation(report, drafter)
        created = True
    return created


def _keyword_map() -> None:
    from .figures import services as figures

    if not figures.keyword_map_rows():
        figures.set_keyword_map(_user("quantri"), KEYWORDS)


def _next_period_table(report: Report, drafter: User) -> None:
    """III.2's targets for 2025 are the next period's table the departments propose for."""
    from .figures import services as figures
    from .reports import queries as outline

    sections = {e.version.heading: e.section for e in outline.outline(report)}
    goals = sections["Mục tiêu tổng quát và các chỉ tiêu chủ yếu"]
    figures.map_table(drafter, goals, table_index=0, kind="targets")


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _consultation(report: Report, drafter: User) -> None:
    """Draft no. 1, an open round for every department, and some feedback already in."""
    from .consolidation import services as editions
    from .reports import queries as outline
    from .review import consultation
    from .review import services as review

    editions.issue_edition(drafter, report, note="Dự thảo gửi các sở, ngành xin ý kiến.")
    round_ = consultation.open_round(
        drafter,
        report,
        deadline=datetime.now(UTC) + timedelta(days=7),
        department_codes=[code for code, _name in DEPARTMENTS],
        title="Lấy ý kiến các sở, ngành lần 1",
        note="Đề nghị các sở, ngành rà soát số liệu thuộc lĩnh vực phụ trách và góp ý trước hạn.",
    )
    sections = {e.version.heading: e.section for e in outline.outline(report)}
    economy = sections["Phát triển kinh tế, chuyển dịch cơ cấu kinh tế"]
    targets = sections["Kết quả thực hiện các chỉ tiêu chủ yếu"]

    stc = _user("stc.canbo")
    review.add_comment(
        stc,
        targets,
        kind="figures",
        quote="| 5 | Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng) | 40 | 48,5 | Vượt |",
        body="Số thu ngân sách ước thực hiện năm 2020 theo báo cáo của Sở Tài chính là 48,2 nghìn tỷ đồng; "
        "đề nghị cập nhật.",
    )
    review.add_suggestion(
        stc,
        economy,
        base_version=1,
        text=economy.current.text.replace(
            "Quy mô nền kinh tế năm 2020 ước đạt 135 nghìn tỷ đồng, gấp 1,6 lần năm 2015.",
            "Quy mô nền kinh tế năm 2020 ước đạt 135 nghìn tỷ đồng, gấp 1,6 lần năm 2015; "
            "thu ngân sách nhà nước trên địa bàn tăng bình quân 8,5%/năm.",
        ),
        rationale="Bổ sung kết quả thu ngân sách để minh họa quy mô kinh tế.",
    )
    consultation.submit_response(_user("stc.lanhdao"), round_, dispatch_number="2456/STC-NS")

    ctk = _user("ctk.canbo")
    review.add_report_comment(
        ctk,
        report,
        kind="structure",
        body="Đề nghị tách phần đánh giá 3 chỉ tiêu không đạt thành một mục riêng để làm rõ nguyên nhân.",
    )
    review.add_comment(
        ctk,
        economy,
        kind="figures",
        quote="Tốc độ tăng trưởng GRDP bình quân giai đoạn 2016 – 2020 ước đạt 10,7%/năm",
        body="Số liệu GRDP cần thống nhất theo số liệu Tổng cục Thống kê công bố (10,6%/năm).",
    )
    consultation.submit_response(_user("ctk.lanhdao"), round_, dispatch_number="318/CTK-TKTH")

    consultation.submit_response(_user("sct.lanhdao"), round_, no_comments=True)
    review.add_comment(_user("sxd.canbo"), economy, body="Đang rà soát số liệu đầu tư xây dựng.")


def logins_text() -> str:
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for username, name, role, _code in _people():
        lines.append(f"  {username:<18} {role.value:<9} {name}")
    return "\n".join(lines)
