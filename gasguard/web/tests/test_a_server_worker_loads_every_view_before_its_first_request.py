"""The WSGI module loads the URL configuration, and with it every view, when a server worker starts: otherwise the
first request to each fresh worker waits seconds for those imports."""
import subprocess
import sys


def test_importing_the_wsgi_application_imports_the_views():
    code = ("import sys, gasguard.wsgi; "
            "print(all(m in sys.modules for m in ('gasguard.urls', 'gasguard.cylinders.api.views', "
            "'gasguard.monitoring.web', 'gasguard.reports.views')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True"
