"""gasguard bench <suite>: benchmarks at district scale. Suites: ledger, ingest, gate (gasguard/bench/gate.py), load
(gasguard/bench/load.py).

    gasguard bench ledger [--db postgresql|sqlite] [--database-url URL] [--hazards 1000000] [--baseline 100000]
                          [--repeats 30] [--out bench-results/ledger-<db>.json] [--keep]

"""
import argparse

from django.core.management.base import BaseCommand, CommandError

from gasguard.bench import gate, ledger, load
from gasguard.bench.ingest import add_ingest_arguments, handle_ingest


class Command(BaseCommand):
    help = "Benchmarks of GasGuard at district scale (gasguard bench ledger …)."

    def add_arguments(self, parser):
        suites = parser.add_subparsers(dest="suite", required=True, metavar="suite")
        p = suites.add_parser(
            "ledger", help="ledger list, dashboard, hazard page and Excel export over a generated district",
            description=("Creates a throw-away database (PostgreSQL: gasguard_bench, dropped afterwards; SQLite: "
                         "var/bench/ledger-<N>.sqlite3), migrates it, bulk-loads N hazards with their sites and "
                         "inspections, measures the pages in-process and prints JSON. Also runs at --baseline "
                         "hazards first and reports the scaling ratio."))
        p.add_argument("--db", choices=["postgresql", "sqlite"],
                       help="database engine (default: that of --database-url, else of the project settings)")
        p.add_argument("--database-url", help=("use this database instead of creating one; it must be empty of "
                                               "sites, inspections and hazards (it is migrated, never dropped)"))
        p.add_argument("--hazards", type=int, default=ledger.DEFAULT_HAZARDS, help="hazards (default 1,000,000)")
        p.add_argument("--baseline", type=int, default=ledger.DEFAULT_BASELINE,
                       help="also run at this size first, for the scaling ratio (default 100,000; 0: skip)")
        p.add_argument("--sites", type=int, help="sites (default hazards/20)")
        p.add_argument("--inspections", type=int, help="inspections (default hazards/2)")
        p.add_argument("--repeats", type=int, default=30, help="timed requests per page (default 30)")
        p.add_argument("--warmup", type=int, default=3, help="untimed requests before those (default 3)")
        p.add_argument("--seed", type=int, default=ledger.DEFAULT_SEED)
        p.add_argument("--out", help="also write the JSON to this file")
        p.add_argument("--keep", action="store_true", help="keep the database of the last run (to EXPLAIN in it)")
        # The child processes the command starts (DATABASE_URL set to the bench database).
        p.add_argument("--worker", choices=["generate", "measure", "wipe"], help=argparse.SUPPRESS)
        p.add_argument("--worker-out", help=argparse.SUPPRESS)
        p.add_argument("--require-empty", action="store_true", help=argparse.SUPPRESS)
        p.add_argument("--no-export", action="store_true", help=argparse.SUPPRESS)
        add_ingest_arguments(suites)
        gate.add_arguments(suites)
        load.add_arguments(suites)

    def handle(self, *args, suite, **o):
        if suite == "ingest":
            return handle_ingest(self, o)
        if suite == "gate":
            return gate.handle(self, o)
        if suite == "load":
            return load.handle(self, o)
        if suite != "ledger":
            raise CommandError(f"unknown suite {suite}")
        if o["hazards"] < 1 or o["repeats"] < 1:
            raise CommandError("--hazards and --repeats must be positive")
        if o["worker"]:
            ledger.worker(o["worker"], o["worker_out"], hazards=o["hazards"], sites=o["sites"],
                          inspections=o["inspections"], seed=o["seed"], repeats=o["repeats"], warmup=o["warmup"],
                          require_empty=o["require_empty"], exports=not o["no_export"])
            return
        db = o["db"]
        if o["database_url"]:
            url_db = "postgresql" if ledger._is_postgres(o["database_url"]) else "sqlite"
            if db and db != url_db:
                raise CommandError(f"--db {db} does not match --database-url")
            db = url_db
        if not db:
            from django.db import connection
            db = "postgresql" if connection.vendor == "postgresql" else "sqlite"
        result = ledger.bench(db=db, database_url=o["database_url"], hazards=o["hazards"], baseline=o["baseline"],
                              sites=o["sites"], inspections=o["inspections"], seed=o["seed"], repeats=o["repeats"],
                              warmup=o["warmup"], keep=o["keep"])
        ledger.emit(self.stdout, result, o["out"])
