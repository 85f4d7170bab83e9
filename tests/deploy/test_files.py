"""The reference deployment's files agree with each other and with the app: the systemd
units and the containers start the same entry script with the same arguments, the units
pass ``systemd-analyze verify``, nginx accepts its configuration and lets through exactly
what the app accepts, gunicorn's access log names the request and the user."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = {"feedback-web": "app", "feedback-worker": "worker", "feedback-migrate": "migrate"}
MiB = 1024 * 1024


def _tool(name: str) -> str:
    """The tool's path; the test is skipped without it, except in CI, where it fails."""
    found = shutil.which(name) or (
        f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI is set")
        pytest.skip(f"{name} is not installed")
    return found


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _unit(name: str) -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "systemd" / f"{name}.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _dockerfile_entrypoint() -> list[str]:
    import json

    line = next(
        line
        for line in (DEPLOY / "Dockerfile").read_text().splitlines()
        if line.startswith("ENTRYPOINT")
    )
    return json.loads(line.removeprefix("ENTRYPOINT"))


# One entry script, the same arguments --------------------------------------------------


def test_units_and_containers_start_the_same_script_with_the_same_arguments():
    entrypoint = _dockerfile_entrypoint()
    services = _compose()["services"]
    for unit, service in UNITS.items():
        from_unit = shlex.split(_unit(unit)["ExecStart"])
        from_container = entrypoint + services[service]["command"]
        assert from_unit == from_container, (unit, service)
    assert entrypoint == ["/srv/feedback/deploy/entrypoint.sh"]
    # The script the image runs is the repository's own (the image copies the checkout there).
    assert "WORKDIR /srv/feedback" in (DEPLOY / "Dockerfile").read_text()


def test_the_units_and_containers_share_one_environment_and_one_working_folder():
    for unit in UNITS:
        values = _unit(unit)
        assert values["WorkingDirectory"] == "/srv/feedback"
        assert values["EnvironmentFile"] == "/etc/feedback/feedback.env"
        assert values["User"] == "feedback"
    services = _compose()["services"]
    for service in UNITS.values():
        assert services[service]["env_file"] == "feedback.env"
        assert services[service]["image"] == "feedback:latest"


def test_the_entry_script_knows_exactly_the_roles_the_units_use(tmp_path):
    script = (DEPLOY / "entrypoint.sh").read_text()
    roles = set(re.findall(r"^  ([a-z]+)\)$", script, re.MULTILINE))
    assert roles == {"migrate", "web", "worker"}
    used = {shlex.split(_unit(unit)["ExecStart"])[1] for unit in UNITS}
    assert used == roles
    refused = subprocess.run(
        ["sh", str(DEPLOY / "entrypoint.sh"), "serve"], capture_output=True, text=True
    )
    assert refused.returncode == 64
    assert "usage:" in refused.stderr
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK)


def test_systemd_analyze_verifies_the_units(tmp_path):
    tool = _tool("systemd-analyze")
    env_file = tmp_path / "feedback.env"
    env_file.write_text((DEPLOY / "feedback.env.example").read_text())
    for unit in UNITS:
        text = (DEPLOY / "systemd" / f"{unit}.service").read_text()
        # The checkout is here, not in /srv/feedback: verify looks for the executable.
        text = text.replace("/srv/feedback", str(ROOT)).replace(
            "/etc/feedback/feedback.env", str(env_file)
        )
        (tmp_path / f"{unit}.service").write_text(text)
    done = subprocess.run(
        [tool, "verify", *[str(tmp_path / f"{unit}.service") for unit in UNITS]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "feedback-" in line]
    assert done.returncode == 0, done.stderr
    assert ours == []  # no unknown key, no missing executable, nothing ignored


def test_systemd_analyze_would_catch_a_misspelt_directive(tmp_path):
    tool = _tool("systemd-analyze")
    text = (DEPLOY / "systemd" / "feedback-worker.service").read_text()
    text = text.replace("/srv/feedback", str(ROOT)).replace(
        "EnvironmentFile=/etc/feedback/feedback.env\n", ""
    )
    (tmp_path / "feedback-worker.service").write_text(text.replace("KillMode=", "KilMode="))
    done = subprocess.run(
        [tool, "verify", str(tmp_path / "feedback-worker.service")], capture_output=True, text=True
    )
    assert "Unknown key" in done.stderr


# nginx -----------------------------------------------------------------------------------


def _check_module():
    return _load(DEPLOY / "check.py", "deploy_check")


def test_nginx_accepts_the_configuration_deploy_check_runs(tmp_path):
    nginx = _tool("nginx")
    check = _check_module()
    cert, key = check.make_certificate(tmp_path)
    config = check.nginx_config(
        tmp_path, [18001, 18002], http_port=18080, https_port=18443, cert=cert, key=key
    )
    done = subprocess.run(
        [nginx, "-t", "-c", str(config)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "server 127.0.0.1:18001" in (tmp_path / "feedback-upstream.conf").read_text()


def _body_limits() -> tuple[int, list[tuple[re.Pattern, int]]]:
    """nginx's general limit and (location regex, limit) of each upload location."""
    site = (DEPLOY / "nginx" / "feedback.conf").read_text()
    units = {"k": 1024, "m": MiB}

    def size(text: str) -> int:
        return int(text[:-1]) * units[text[-1]]

    general = size(re.search(r"^    client_max_body_size (\w+);", site, re.MULTILINE).group(1))
    uploads = [
        (re.compile(pattern), size(limit))
        for pattern, limit in re.findall(
            r"location ~ (\S+) \{\s*\n\s*client_max_body_size (\w+);", site
        )
    ]
    return general, uploads


def test_nginx_body_limits_let_through_what_the_app_accepts_and_little_more(app):
    from feedback.http import _upload_limit

    general, uploads = _body_limits()
    assert app.config["MAX_CONTENT_LENGTH"] <= general <= app.config["MAX_CONTENT_LENGTH"] + MiB
    endpoints = app.config["FEEDBACK_UPLOAD_ENDPOINTS"]
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<[^>]+>", "7", rule.rule)
        matching = [limit for pattern, limit in uploads if pattern.fullmatch(path)]
        if rule.endpoint in endpoints:
            with app.test_request_context():
                needed = _upload_limit(rule.endpoint)
            assert len(matching) == 1, rule.rule
            assert needed <= matching[0] <= needed + 2 * MiB, rule.rule
        else:
            # Nothing else gets an upload's limit.
            assert matching == [], rule.rule


def test_nginx_serves_the_apps_static_folder(app):
    site = (DEPLOY / "nginx" / "feedback.conf").read_text()
    alias = re.search(r"alias (\S+);", site).group(1)
    assert alias == "/srv/feedback/" + str(Path(app.static_folder).relative_to(ROOT)) + "/"
    assert app.static_url_path == "/static"


def test_nginx_passes_one_trusted_hop_and_its_request_id():
    proxy = (DEPLOY / "nginx" / "feedback-proxy.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "proxy_set_header X-Request-ID $request_id;" in proxy
    env = (DEPLOY / "feedback.env.example").read_text()
    assert "FEEDBACK_PROXY_HOPS=1" in env.splitlines()
    assert _compose()["x-app"]["environment"]["FEEDBACK_PROXY_HOPS"] == "1"


# gunicorn ---------------------------------------------------------------------------------


def test_gunicorn_logs_the_request_id_and_the_user(monkeypatch):
    monkeypatch.delenv("FEEDBACK_LOG_FORMAT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    conf = _load(DEPLOY / "gunicorn.conf.py", "gunicorn_conf")
    assert "%({x-request-id}o)s" in conf.access_log_format
    assert "%({feedback.user}e)s" in conf.access_log_format
    assert conf.workers == min(os.cpu_count() * 2 + 1, 12)
    assert conf.timeout < 75  # nginx's proxy_read_timeout: gunicorn gives up first
    assert conf.graceful_timeout > 0 and conf.max_requests > 0
    monkeypatch.setenv("FEEDBACK_LOG_FORMAT", "json")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = _load(DEPLOY / "gunicorn.conf.py", "gunicorn_conf_json")
    assert conf.accesslog is None  # the app writes the JSON request line itself
    assert conf.workers == 3


def test_the_environment_gunicorns_access_log_reads_names_the_user(
    app, client, auth, people, monkeypatch
):
    seen = []
    inner = app.wsgi_app

    def keep_environ(environ, start_response):
        result = inner(environ, start_response)
        seen.append(environ)
        return result

    monkeypatch.setattr(app, "wsgi_app", keep_environ)
    auth.login(people.reviewer)
    response = client.get("/")
    assert response.status_code == 200
    assert seen[-1]["feedback.user"] == str(people.reviewer.id)
    assert seen[-1]["feedback.request_id"] == response.headers["X-Request-ID"]
    client.post("/logout")
    client.get("/login")
    assert seen[-1]["feedback.user"] == "-"
