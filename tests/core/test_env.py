"""Configuration: bad values stop start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from interlock.core import env


def test_booleans_and_bad_booleans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env.env_bool("X_FLAG")


def test_integers_with_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_N", "12")
    assert env.env_int("X_N", 1, minimum=1, maximum=20) == 12
    for bad, message in (
        ("abc", "not a whole number"),
        ("0", "below the minimum"),
        ("99", "above"),
    ):
        monkeypatch.setenv("X_N", bad)
        with pytest.raises(ImproperlyConfigured, match=message):
            env.env_int("X_N", 1, minimum=1, maximum=20)


def test_secret_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_str("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_SECRET", "also-set")
    with pytest.raises(ImproperlyConfigured, match="either X_SECRET or X_SECRET_FILE"):
        env.env_str("X_SECRET")
    monkeypatch.delenv("X_SECRET")
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.env_str("X_SECRET")


def test_urls_and_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_URL", "mysql://db")
    with pytest.raises(ImproperlyConfigured, match="must start with one of postgres://"):
        env.env_url("X_URL", schemes=("postgres",))
    monkeypatch.setenv("X_MODE", "staging")
    with pytest.raises(ImproperlyConfigured, match="not one of"):
        env.env_choice("X_MODE", "development", ("development", "production"))


def _interlock(args: list[str], tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("INTERLOCK_", "DATABASE_URL"))
    }
    environment |= {"INTERLOCK_DATA_DIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1", **extra}
    return subprocess.run(
        [sys.executable, "-m", "interlock.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_value_stops_start_up_with_a_message(tmp_path: Path) -> None:
    result = _interlock(["check"], tmp_path, INTERLOCK_ENV="staging")
    assert result.returncode == 2
    assert "INTERLOCK_ENV='staging' is not one of: development, production" in result.stderr


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    result = _interlock(
        ["check"], tmp_path, INTERLOCK_ENV="production", INTERLOCK_ALLOWED_HOSTS="crm.example.com"
    )
    assert result.returncode == 2
    assert "INTERLOCK_SECRET_KEY" in result.stderr


def test_production_passes_the_deploy_check(tmp_path: Path) -> None:
    result = _interlock(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        INTERLOCK_ENV="production",
        INTERLOCK_SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        INTERLOCK_ALLOWED_HOSTS="crm.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
