"""Keys of a development machine (`make run`, `make bench`: GASGUARD_DEV=1): generated once into the data folder and
read back, so the demo's encrypted ID numbers, signed sessions and audit chain survive a restart. Production never
uses them: settings.py refuses to start without its own SECRET_KEY, PII_KEYS and AUDIT_HMAC_KEY."""
import json
import os
import secrets
import tempfile
from base64 import urlsafe_b64encode
from pathlib import Path

FILE_NAME = "dev-keys.json"
# The audit key keeps its own file (where it always was), so a chain written before still verifies.
AUDIT_KEY_FILE_NAME = "audit-hmac.key"


def _generate() -> dict:
    # A Fernet key is 32 random bytes, URL-safe base64 (what cryptography's Fernet.generate_key() returns).
    return {"SECRET_KEY": secrets.token_urlsafe(50), "PII_KEYS": urlsafe_b64encode(secrets.token_bytes(32)).decode()}


def _made_once(path: Path, make) -> str:
    """The file's text, written (owner-only) with make() on first use. Processes started together agree: the file
    appears whole (a hard link of a finished file) and the first one wins."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(make())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return path.read_text()


def dev_keys(data_dir: Path) -> dict:
    """{"SECRET_KEY": …, "PII_KEYS": …} from DATA_DIR/dev-keys.json and {"AUDIT_HMAC_KEY": …} from
    DATA_DIR/audit-hmac.key, each made on first use."""
    keys = json.loads(_made_once(Path(data_dir) / FILE_NAME, lambda: json.dumps(_generate())))
    keys["AUDIT_HMAC_KEY"] = _made_once(Path(data_dir) / AUDIT_KEY_FILE_NAME, lambda: secrets.token_hex(32) + "\n").strip()
    return keys
