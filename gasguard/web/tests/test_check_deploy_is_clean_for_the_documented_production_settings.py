"""`gasguard check --deploy` reports nothing for the production settings of README 生产部署: DEBUG=0, its own
SECRET_KEY, PII_KEYS and AUDIT_HMAC_KEY, ALLOWED_HOSTS, HTTPS behind a proxy that sets X-Forwarded-Proto (HSTS, secure cookies,
redirect to https are then on by default). The same check without the proxy's settings still is clean."""
import os
import subprocess
import sys

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "q3R-8vZ_pL2mN7xW9tY4bC6dF1hJ5kS0aE-gU8iO2rT7yQ4wV9zX3cB6nM1lK5jH",
    "PII_KEYS": "dGVzdHMtb25seS1waWkta2V5LTAxMjM0NTY3ODlhYmM=",
    "AUDIT_HMAC_KEY": "4f1c2a9e7b6d5c3a8e0f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6",
    "ALLOWED_HOSTS": "gas.example.gov.cn",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "TRUSTED_PROXY_COUNT": "1",
}


def check_deploy(tmp_path, **env):
    # the tests' own environment (HTTPS=0, GASGUARD_DEV, …) is not production's
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SECURE_", "SESSION_", "HTTPS", "GASGUARD_DEV", "DEBUG", "SECRET_KEY", "PII_KEYS", "AUDIT_",
                                 "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    return subprocess.run([sys.executable, "-m", "gasguard.manage", "check", "--deploy", "--fail-level", "WARNING"],
                          text=True, capture_output=True, timeout=120,
                          env={**base, "GASGUARD_DATA_DIR": str(tmp_path), **env})


def test_check_deploy_reports_no_issue(tmp_path):
    result = check_deploy(tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_the_development_settings_are_what_check_deploy_warns_of(tmp_path):
    # the test can fail: DEBUG on and plain HTTP are flagged
    result = check_deploy(tmp_path, **{**PRODUCTION, "DEBUG": "1", "HTTPS": "0"})
    assert result.returncode != 0
    assert all(f"security.{w}" in result.stderr for w in ("W018", "W004", "W008", "W012", "W016")), result.stderr

