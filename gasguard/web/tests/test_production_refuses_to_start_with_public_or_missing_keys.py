"""Safe defaults: DEBUG is off unless asked for; without GASGUARD_DEV (a development machine) the platform refuses to
start with a missing or public SECRET_KEY, without PII_KEYS or without AUDIT_HMAC_KEY, naming the variable;
GASGUARD_DEV=1 (make run) generates them once into the data folder and keeps them."""
import json
import os
import subprocess
import sys

SHOW = ("from django.conf import settings; "
        "print(settings.DEBUG, settings.SECRET_KEY[:8], settings.PII_KEYS[0][:8], settings.AUDIT_HMAC_KEY[:8])")
GOOD_SECRET = "k" * 10 + "Zq8#mP2@vL5!wN7$xR4%tY9^bC3&dF6*hJ1(gK0)sA"


def start(tmp_path, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"SECRET_KEY", "PII_KEYS", "CYLINDER_PII_KEY", "AUDIT_HMAC_KEY", "DEBUG", "GASGUARD_DEV"}}
    return subprocess.run([sys.executable, "-m", "gasguard.manage", "shell", "--no-imports", "-c", SHOW], text=True,
                          capture_output=True, timeout=120,
                          env={**base, "GASGUARD_DATA_DIR": str(tmp_path), **env})


def test_missing_or_public_keys_stop_start_up_naming_the_variable(tmp_path):
    pii = "dGVzdHMtb25seS1waWkta2V5LTAxMjM0NTY3ODlhYmM="
    audit = "5b0e8c2d9f1a4e7b3c6d0a2f8e4b1c9d7a5e3f0b2c4d6e8f1a3b5c7d9e0f2a4b"
    for env, variable in [({"PII_KEYS": pii, "AUDIT_HMAC_KEY": audit}, "SECRET_KEY"),
                          ({"SECRET_KEY": "gasguard-dev-only-secret-change-me", "PII_KEYS": pii}, "SECRET_KEY"),
                          ({"SECRET_KEY": GOOD_SECRET, "AUDIT_HMAC_KEY": audit}, "PII_KEYS"),
                          ({"SECRET_KEY": GOOD_SECRET, "PII_KEYS": "not-a-key", "AUDIT_HMAC_KEY": audit}, "PII_KEYS"),
                          ({"SECRET_KEY": GOOD_SECRET, "PII_KEYS": pii}, "AUDIT_HMAC_KEY"),
                          ({"SECRET_KEY": GOOD_SECRET, "PII_KEYS": pii, "AUDIT_HMAC_KEY": ""}, "AUDIT_HMAC_KEY")]:
        result = start(tmp_path, **env)
        assert result.returncode != 0, env
        assert f"ImproperlyConfigured: {variable}" in result.stderr, result.stderr[-500:]
    assert not (tmp_path / "audit-hmac.key").exists()  # production never falls back to a generated key
    result = start(tmp_path, SECRET_KEY=GOOD_SECRET, PII_KEYS=pii, AUDIT_HMAC_KEY=audit)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", GOOD_SECRET[:8], pii[:8], audit[:8]]  # DEBUG off by default


def test_a_development_machine_generates_its_keys_once(tmp_path):
    first = start(tmp_path, GASGUARD_DEV="1")
    assert first.returncode == 0, first.stderr[-2000:]
    keys = json.loads((tmp_path / "dev-keys.json").read_text())
    audit = (tmp_path / "audit-hmac.key").read_text().strip()
    for made in ("dev-keys.json", "audit-hmac.key"):
        assert (tmp_path / made).stat().st_mode & 0o077 == 0  # readable by its owner only
    assert len(audit) == 64
    assert first.stdout.split() == ["False", keys["SECRET_KEY"][:8], keys["PII_KEYS"][:8], audit[:8]]
    again = start(tmp_path, GASGUARD_DEV="1", DEBUG="1")
    assert again.stdout.split() == ["True", keys["SECRET_KEY"][:8], keys["PII_KEYS"][:8], audit[:8]]
