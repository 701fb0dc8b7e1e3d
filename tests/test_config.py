"""Settings from the environment, and what the server refuses to start without."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from angela import config

ROOT = Path(__file__).resolve().parent.parent


def test_commands_need_no_secret_key_but_serving_does(tmp_path):
    settings = config.from_environment(str(tmp_path), {})
    assert settings["SECRET_KEY"] is None
    with pytest.raises(config.ConfigurationError, match="ANGELA_SECRET_KEY"):
        config.require_secret_key(settings)
    config.require_secret_key(config.from_environment(str(tmp_path), {"ANGELA_SECRET_KEY": "k"}))
    development = config.from_environment(str(tmp_path), {"ANGELA_ENV": "development"})
    config.require_secret_key(development)


def test_the_wsgi_entry_point_refuses_to_serve_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANGELA_")}
    env["ANGELA_DATABASE_URL"] = f"sqlite:///{tmp_path}/angela.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ANGELA_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
    ],
)
def test_plain_postgresql_urls_use_psycopg_3(url, expected):
    assert config.normalise_database_url(url) == expected


def test_the_default_database_folder_is_created(tmp_path):
    from angela import create_app

    folder = tmp_path / "instance-like" / "nested"
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/angela.sqlite3"})
    assert folder.is_dir()
