"""The app as ``make bench-pages`` serves it: ``wsgi.app`` plus one reference page.

``/bench/reference`` exists only here: 200 rows of one query rendered through a Jinja
template, the cost of the stack itself (Flask, SQLAlchemy, Jinja) that the real pages
are compared with.
"""

from __future__ import annotations

from flask import render_template_string
from sqlalchemy import select

from feedback import create_app
from feedback.extensions import db
from feedback.review.models import Comment

REFERENCE = """<!doctype html><title>reference</title><table>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.kind }}</td>
<td>{{ row.created_at }}</td><td>{{ row.body[:80] }}</td></tr>
{% endfor %}</table>"""

app = create_app()


@app.get("/bench/reference")
def reference():
    rows = db.session.execute(
        select(Comment.id, Comment.kind, Comment.created_at, Comment.body)
        .order_by(Comment.id)
        .limit(200)
    ).all()
    return render_template_string(REFERENCE, rows=rows)
