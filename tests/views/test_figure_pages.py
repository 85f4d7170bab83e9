"""The figures' pages (issue 15) on the demo: a department's own indicators and its
checks, the drafting team's mapping, assignment, adoption and keyword map, the chair's
panel and history, the CSV; and who may not see or do what."""

from __future__ import annotations

import csv
import io
import re

import pytest

from feedback.extensions import db
from feedback.figures import queries

from ..figure_helpers import indicator, load_demo, open_round, section, user

PASSWORD = "Demo@2025"
GROWTH = "Tốc độ tăng trưởng GRDP bình quân (%/năm)"
PER_CAPITA = "GRDP bình quân đầu người (USD)"
BUDGET = "Thu ngân sách nhà nước trên địa bàn (nghìn tỷ đồng)"
RESULTS_HEADING = "Kết quả thực hiện các chỉ tiêu chủ yếu"


@pytest.fixture
def demo(app, client, auth):
    report = load_demo()

    def login(username):
        auth.logout()
        response = auth.login(username, PASSWORD)
        assert response.status_code == 302, username
        return client

    return report, login


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_department_sees_only_its_own_indicators_and_confirms_one(demo):
    report, login = demo
    client = login("ctk.canbo")
    page = _text(client.get(f"/reports/{report.id}/figures/mine"))
    assert "Chỉ tiêu của đơn vị" in page
    assert GROWTH in page and PER_CAPITA in page
    assert BUDGET not in page  # Sở Tài chính's
    target = indicator(report, PER_CAPITA)
    response = client.post(
        f"/indicators/{target.id}/confirm",
        data={"source": "Cục Thống kê, số liệu ước đến 30/11"},
    )
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Cục Thống kê, số liệu ước đến 30/11" in page
    assert "bản nháp" in page
