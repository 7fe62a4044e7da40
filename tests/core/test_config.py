"""Configuration from the environment; production refuses to start without SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from festival import create_app
from festival.config import DEV_SECRET_KEY, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL"}}
    env.update(extra)
    return env


def _start_in_production(command: list[str], instance: Path) -> subprocess.CompletedProcess:
    """Run a command from the project folder with no SECRET_KEY and no debug."""
    env = _env(FESTIVAL_INSTANCE_PATH=str(instance))
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def _gunicorn(tmp_path, **env) -> subprocess.CompletedProcess:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-b", "127.0.0.1:0", "-w", "1", "wsgi:app"]
    return subprocess.run(
        command, cwd=ROOT, env=_env(FESTIVAL_INSTANCE_PATH=str(tmp_path), **env), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_gunicorn_without_secret_key_stops_with_the_reason(tmp_path):
    result = _gunicorn(tmp_path)
    assert result.returncode == 4
    assert result.stderr.strip().splitlines() == [
        "error: SECRET_KEY is not set: set it to a long random value: "
        "python3 -c 'import secrets; print(secrets.token_hex(32))'"
    ]


def test_gunicorn_refuses_a_short_secret_key(tmp_path):
    result = _gunicorn(tmp_path, SECRET_KEY="x" * 31)
    assert result.returncode == 4
    assert "error: SECRET_KEY is shorter than 32 bytes" in result.stderr
    assert "Traceback" not in result.stderr


def test_gunicorn_refuses_debug_mode_even_with_a_good_key(tmp_path):
    result = _gunicorn(tmp_path, SECRET_KEY="k" * 64, FLASK_DEBUG="1")
    assert result.returncode == 4
    assert "error: FLASK_DEBUG is set" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_that_sign_nothing_work_without_a_key(tmp_path):
    """The README's commands, as a newcomer types them in a fresh clone: no SECRET_KEY, no FLASK_DEBUG."""
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    for command in (
        [*flask, "db", "upgrade"],
        [*flask, "localities", "import", "--builtin"],
        [*flask, "users", "create", "boss", "--full-name", "Nguyễn Văn An", "--role", "admin",
         "--password", "mat-khau-that-dai"],
        [*flask, "users", "set-password", "boss", "--password", "mat-khau-khac-dai"],
    ):  # fmt: skip
        result = _start_in_production(command, tmp_path)
        assert result.returncode == 0, f"{command[3:]}: {result.stderr}"
        assert "SECRET_KEY" not in result.stderr


def test_debug_allows_the_development_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


@pytest.mark.parametrize("key", [None, "x", "k" * 31])
def test_an_app_without_a_usable_key_answers_503_to_every_request(tmp_path, monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SECRET_KEY"] is None
    for url in ("/", "/login", "/api/v1/localities?q=ha"):
        response = app.test_client().get(url)
        assert response.status_code == 503, url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Set-Cookie" not in response.headers


def test_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/festival")
    monkeypatch.setenv("FESTIVAL_TIMEZONE", "Asia/Bangkok")
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example:5432/festival"
    assert app.config["FESTIVAL_TIMEZONE"] == "Asia/Bangkok"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "vi"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'festival.db'}"
    assert app.config["FESTIVAL_TIMEZONE"] == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_spellings(given, expected):
    assert normalise_database_url(given) == expected
