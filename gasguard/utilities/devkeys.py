"""Keys of a development machine (`make run`, `make bench`: GASGUARD_DEV=1): generated once into the data folder and
read back, so the demo's encrypted ID numbers and signed sessions survive a restart. Production never uses them:
settings.py refuses to start without its own SECRET_KEY and PII_KEYS."""
import json
import os
import secrets
import tempfile
from base64 import urlsafe_b64encode
from pathlib import Path

FILE_NAME = "dev-keys.json"


def _generate() -> dict:
    # A Fernet key is 32 random bytes, URL-safe base64 (what cryptography's Fernet.generate_key() returns).
    return {"SECRET_KEY": secrets.token_urlsafe(50), "PII_KEYS": urlsafe_b64encode(secrets.token_bytes(32)).decode()}


def dev_keys(data_dir: Path) -> dict:
    """{"SECRET_KEY": …, "PII_KEYS": …} from DATA_DIR/dev-keys.json, written (owner-only) on first use. Processes
    started together agree: the file appears whole (a hard link of a finished file) and the first one wins."""
    path = Path(data_dir) / FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".dev-keys-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(_generate(), f)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    return json.loads(path.read_text())
