"""Every setting the code reads is declared in gasguard/settings.py, and every environment variable that declares one
is a row of a settings table in the top README (| `NAME` | default | meaning |)."""
import ast
import re
from pathlib import Path

from django.conf import global_settings

PACKAGE = Path(__file__).resolve().parents[2]
README = PACKAGE.parent / "README.md"
# The files that read the environment for the platform's configuration.
ENVIRONMENT_READERS = ("settings.py", "jobs/config.py", "gunicorn_conf.py")

READ = re.compile(r'getattr\(\s*settings,\s*"([A-Z][A-Z0-9_]*)"|\bsettings\.([A-Z][A-Z0-9_]*)\b')
ENVIRON = re.compile(r'environ(?:\.get)?[(\[]\s*"([A-Z][A-Z0-9_]*)"')
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)`", re.M)


def settings_read_by_the_code() -> dict[str, str]:
    """name -> the first file reading it (tests excluded: they set settings, they do not configure the platform)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{rel}" or rel == "settings.py":
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1) or match.group(2), rel)
    return found


def declared_in_settings_py() -> set[str]:
    names = set()
    for node in ast.parse((PACKAGE / "settings.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def environment_variables_read() -> dict[str, str]:
    return {name: rel for rel in ENVIRONMENT_READERS
            for name in ENVIRON.findall((PACKAGE / rel).read_text(encoding="utf-8"))}


def readme_table_rows() -> set[str]:
    return set(TABLE_ROW.findall(README.read_text(encoding="utf-8")))


def test_every_setting_the_code_reads_is_declared_in_settings_py():
    known = declared_in_settings_py() | set(dir(global_settings)) | {"SETTINGS_MODULE"}
    undeclared = {name: rel for name, rel in settings_read_by_the_code().items() if name not in known}
    assert not undeclared, f"read with no declaration in gasguard/settings.py: {undeclared}"


def test_every_environment_variable_the_settings_read_is_a_row_of_the_readme_settings_table():
    missing = {name: rel for name, rel in environment_variables_read().items() if name not in readme_table_rows()}
    assert not missing, f"read from the environment but not in README.md's settings table: {missing}"


def test_every_row_of_the_readme_settings_table_is_read_from_the_environment():
    stale = readme_table_rows() - set(environment_variables_read())
    assert not stale, f"README.md's settings table names variables nothing reads: {sorted(stale)}"
