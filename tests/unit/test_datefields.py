"""Dates typed on pages are read day first, in Vietnam time, whatever the browser (issue 12)."""

from datetime import UTC, date, datetime

import pytest

from feedback.datefields import DateTyped, parse_date, parse_local_datetime


@pytest.fixture
def in_app(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    "typed",
    [
        "05/12/2026 17:00",
        "5/12/2026 17:00",
        " 05/12/2026  17h00 ",
        "05.12.2026 17h",
        "05-12-2026 17g00",
        "051220261700",
        "2026-12-05T17:00",
        "2026-12-05 17:00:00",
    ],
)
def test_a_deadline_typed_day_first_is_5_december_at_17_vietnam_time(in_app, typed):
    moment = parse_local_datetime(typed)
    assert moment.astimezone(UTC) == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12/31/2026 17:00", "không có trong lịch"),  # month first is never guessed
        ("31/02/2026 17:00", "không có trong lịch"),
        ("05/12/2026", "Nhập thêm giờ"),
        ("05/12/2026 24:00", "từ 00:00 đến 23:59"),
        ("05/12/2026 5 PM", "dd/mm/yyyy hh:mm"),
        ("December 5, 2026", "dd/mm/yyyy hh:mm"),
        ("05/12/26 17:00", "dd/mm/yyyy hh:mm"),
    ],
)
def test_what_is_not_a_day_first_date_and_time_is_refused_with_a_sentence(in_app, typed, says):
    with pytest.raises(DateTyped) as refused:
        parse_local_datetime(typed)
    assert says in str(refused.value.args[0])


def test_a_dispatch_date_is_read_day_first():
    assert parse_date("10/12/2019") == date(2019, 12, 10)
    assert parse_date("1.2.2020") == date(2020, 2, 1)
    assert parse_date("10122019") == date(2019, 12, 10)
    assert parse_date("2019-12-10") == date(2019, 12, 10)
    for typed in ("12/31/2019", "10/12/19", "10 tháng 12 năm 2019", ""):
        with pytest.raises(DateTyped):
            parse_date(typed)
