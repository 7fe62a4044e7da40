"""Configuration from the environment; production refuses to start without SECRET_KEY."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from festival import create_app
from festival.config import DEV_SECRET_KEY, ConfigError, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL"}}
    env.update(extra)
    return env


def _start_in_production(command: list[str], instance: Path) -> subprocess.CompletedProcess:
    """Run a command from the project folder with no SECRET_KEY and no debug."""
    env = _env(FESTIVAL_INSTANCE_PATH=str(instance))
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_without_secret_key_is_one_line_and_non_zero(tmp_path):
    result = _start_in_production([sys.executable, "-c", "import wsgi"], tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: SECRET_KEY is not set")


def test_gunicorn_without_secret_key_stops_with_the_reason(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = _start_in_production([str(gunicorn), "-b", "127.0.0.1:0", "-w", "1", "wsgi:app"], tmp_path)
    assert result.returncode != 0
    assert "error: SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_allows_the_development_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY


def test_production_refuses_in_process_too(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


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
