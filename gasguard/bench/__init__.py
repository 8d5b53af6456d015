"""Benchmarks of the platform at district scale (`gasguard bench …`). Not an installed app: nothing here has
models or migrations; the command lives in management/commands/bench.py and is found through the module path."""
