"""CACHE_URL puts the rate limits and double-submit keys in Redis, shared by every app process."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def _run(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_cache_url_each_process_has_its_own_memory_cache():
    code = "from django.core.cache import caches; print(type(caches['default']).__name__)"
    assert _run(code, CACHE_URL="") == "LocMemCache"


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_processes_share_one_double_submit_key_through_redis():
    url = "redis://127.0.0.1:6379/15"
    key = f"casework-test-{os.getpid()}"
    first = _run(f"from django.core.cache import cache; print(cache.add('{key}', 1, 30))", CACHE_URL=url)
    second = _run(
        "from django.core.cache import cache, caches; "
        f"print(type(caches['default']).__name__, cache.add('{key}', 1, 30)); cache.delete('{key}')",
        CACHE_URL=url,
    )
    assert first == "True"
    assert second == "RedisCache False"  # the second process sees the first one's key: the submit is refused
