"""Every app under gasguard/ (a directory with apps.py or models.py) has a README.md and is named in the top README's
code map (the 代码结构 section, as `gasguard/<app>/`); every path the code map names exists."""
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent
PATH = re.compile(r"`((?:gasguard|scripts)/[\w./-]*)`")


def code_map() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## 代码结构")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def apps() -> list[str]:
    return sorted(d.name for d in PACKAGE.iterdir()
                  if d.is_dir() and ((d / "apps.py").exists() or (d / "models.py").exists()))


def test_every_app_has_a_readme():
    assert apps(), "no app found under gasguard/"
    missing = [name for name in apps() if not (PACKAGE / name / "README.md").is_file()]
    assert not missing, f"apps without a README.md: {missing}"


def test_every_app_is_named_in_the_code_map():
    named = set(PATH.findall(code_map()))
    missing = [name for name in apps() if f"gasguard/{name}/" not in named]
    assert not missing, f"apps missing from README.md's code map (代码结构): {missing}"


def test_every_path_the_code_map_names_exists():
    stale = [path for path in PATH.findall(code_map()) if not (ROOT / path).exists()]
    assert not stale, f"README.md's code map names paths that do not exist: {stale}"
