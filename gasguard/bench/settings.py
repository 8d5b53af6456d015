"""The project's settings plus this package in INSTALLED_APPS, so that `gasguard bench …` is found.

Django discovers management commands only in installed apps. Until "gasguard.bench" is added to INSTALLED_APPS in
gasguard/settings.py, run the command with DJANGO_SETTINGS_MODULE=gasguard.bench.settings (the Makefile's `bench`
target does). Once it is added there, this module changes nothing.
"""
from gasguard.settings import *  # noqa: F403
from gasguard.settings import INSTALLED_APPS

if "gasguard.bench" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "gasguard.bench"]
