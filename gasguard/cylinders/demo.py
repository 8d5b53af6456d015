"""The demo district's cylinders (一瓶一码): the filling enterprises' registers, and the last 90 days of their chain —
gate checks (refusals included), fillings, real-name sales, deliveries with the safety check at the premises (some
finding hazards, with their notices), returns — replayed through cylinders.services with the clock set back, in
time order, like the rest of the demo. Called by gasguard/demo/district.py once the campaign is replayed."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError

from gasguard.org.choices import EnterpriseKind
from gasguard.sites.choices import Fuel, LicenceKind, SiteType
from gasguard.sites.models import Licence, Site
from gasguard.utilities import clock
from gasguard.utilities.credit_code import id_number_check_char

from . import services
from .checklist import POINTS
from .choices import POST_FILL_CHECKS, PRE_FILL_CHECKS, CustomerKind, CylinderModel, Status, WorkerRole

CHAIN_DAYS = 90
MAKERS = ["天津市某钢瓶制造有限公司", "河北某液化石油气钢瓶厂", "山东某压力容器有限公司"]
MODEL_MIX = [(CylinderModel.YSP35_5, 60), (CylinderModel.YSP12, 12), (CylinderModel.YSP118_GAS, 14),
             (CylinderModel.YSP118_LIQUID, 6), (CylinderModel.YSP118_II, 5), (CylinderModel.YSP26_2, 3)]
FILL = {"YSP12": "5.0", "YSP26.2": "11.0", "YSP35.5": "14.5", "YSP118/49.5": "49.0", "YSP118/液/49.5": "49.0",
        "YSP118-II": "49.0", "YSP4.7": "2.0"}
# Failures the couriers' checks find (about one delivery in twelve), by how often.
FAILURES = [({"hose_length_m": "2.6"}, 4), ({"hose_condition": "fail"}, 3), ({"detector": "fail"}, 3),
            ({"regulator": "fail"}, 1), ({"hose_through_wall": "fail"}, 1), ({"placement": "fail"}, 1),
            ({"regulator_fixed_outlet": "fail"}, 2)]
PRE = dict.fromkeys(PRE_FILL_CHECKS, True)
POST = dict.fromkeys(POST_FILL_CHECKS, True)


@dataclass
class Company:
    enterprise: object
    station: Site
    user: object
    operators: list
    couriers: list
    checkers: list
    households: list = field(default_factory=list)
    businesses: list = field(default_factory=list)
    cylinders: list = field(default_factory=list)


class CylinderDemo:
    def __init__(self, builder):
        self.b, self.rng = builder, builder.rng
        self.now = datetime.now(UTC)
        self.events = []
        self.refused: dict[str, int] = {}
        self.cut_off: set[int] = set()
        self.counts = {"gate_refusals": 0, "fillings": 0, "sales": 0, "sales_refused": 0, "deliveries": 0,
                       "delivery_hazards": 0, "returns": 0}

    def at(self, days_ago: float, hour: int | None = None) -> datetime:
        day = self.b.today - timedelta(days=int(days_ago))
        return self.b.at_local(day, hour if hour is not None else self.rng.randint(8, 18), self.rng.randint(0, 59))

    # -- master data --------------------------------------------------------------------------------------------
    def companies(self) -> list[Company]:
        out = []
        reg_at = self.at(CHAIN_DAYS + 400, 9)
        for ent in self.b.by_kind[EnterpriseKind.FILLING]:
            station = Site.objects.filter(enterprise=ent, site_type=SiteType.FILLING_STATION).order_by("id").first()
            users = self.b.ent_users.get(ent.pk)
            if station is None or not users:
                continue
            user = users[0]
            # A filling enterprise that sells the gas it fills holds a gas business licence too.
            Licence.objects.create(enterprise=ent, kind=LicenceKind.GAS_BUSINESS,
                                   number=f"津燃经〔2024〕0116{900 + len(out):03d}号", issuer="天津市滨海新区城市管理委员会",
                                   valid_until=self.b.today + timedelta(days=self.rng.randint(300, 1200)))
            with clock.frozen(reg_at):
                co = Company(ent, station, user, *(
                    [self.worker(ent, user, role) for _ in range(k)]
                    for role, k in ((WorkerRole.FILLING_OPERATOR, 2), (WorkerRole.DELIVERY, 3),
                                    (WorkerRole.SAFETY_CHECKER, 2))))
            out.append(co)
        return out

    def worker(self, ent, user, role):
        return services.register_worker(
            enterprise=ent, name=self.b.person(), role=role, certificate_number=f"TS{self.rng.randint(10**9, 10**10 - 1)}",
            certificate_valid_until=self.b.today + timedelta(days=self.rng.randint(200, 900)), by=user)

    def id_number(self) -> str:
        born = self.b.today - timedelta(days=self.rng.randint(20 * 365, 75 * 365))
        body = f"120116{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
        return body + id_number_check_char(body)

    def customers(self, co: Company, catering: list):
        reg_at = self.at(CHAIN_DAYS + 30, 10)
        unit = co.enterprise.jurisdiction
        street = "-".join(unit.code.split("-")[:2])
        with clock.frozen(reg_at):
            for _ in range(self.b.n(45)):
                leaf = self.b.leaf_in(street) if street in self.b.leaves else unit
                co.households.append(services.register_customer(
                    enterprise=co.enterprise, kind=CustomerKind.PERSON, name=self.b.person(), phone=self.b.mobile(),
                    address=f"{leaf.name}{self.rng.choice(['海韵', '福馨', '康乐', '欣苑'])}里"
                            f"{self.rng.randint(1, 30)}-{self.rng.randint(1, 6)}-{self.rng.randint(101, 1802)}",
                    by=co.user, jurisdiction=leaf, id_number=self.id_number()))
        with clock.frozen(reg_at):
            for site in catering[: self.b.n(10)]:
                try:
                    co.businesses.append(services.register_customer(
                        enterprise=co.enterprise, kind=CustomerKind.BUSINESS, name=site.name,
                        phone=site.contact_phone or self.b.mobile(), address=site.address or site.name, by=co.user,
                        credit_code=site.enterprise.credit_code if site.enterprise else self.b.credit_code(),
                        site=site))
                except ValidationError:
                    continue

    def register(self, co: Company, count: int):
        """Put the register on the platform ~16 months ago (older labels keep dates that run out soon)."""
        models = [m for m, w in MODEL_MIX for _ in range(w)]
        reg_day = CHAIN_DAYS + 400
        with clock.frozen(self.at(reg_day, 9)):
            reg_today = clock.today()
            for k in range(count):
                r = self.rng.random()
                # Kept clear of an inspection date falling between registration and today (none is replayed).
                if r < 0.06:     # service life ended before today: refused at the gate now
                    made = self.b.today - timedelta(days=8 * 365 + self.rng.randint(5, 300))
                elif r < 0.10:   # ends within 60 days: the reminders' cylinders
                    made = self.b.today - timedelta(days=8 * 365 - self.rng.randint(3, 60))
                elif r < 0.15:   # the periodic inspection is overdue
                    made = self.b.today - timedelta(days=4 * 365 + self.rng.randint(560, 1300))
                elif r < 0.55:   # young: first inspection still ahead
                    made = self.b.today - timedelta(days=self.rng.randint(500, 4 * 365 - 60))
                else:            # inspected once before coming onto the platform
                    made = self.b.today - timedelta(days=self.rng.randint(4 * 365 + 560, 7 * 365 + 180))
                inspected = None
                if (reg_today - made).days > 4 * 365:
                    inspected = min(made + timedelta(days=4 * 365 + self.rng.randint(0, 60)), reg_today)
                    if 0.10 <= r < 0.15:
                        inspected = self.b.today - timedelta(days=4 * 365 + self.rng.randint(1, 120))
                model = self.rng.choice(models)
                cyl = services.register_cylinder(owner=co.enterprise, maker=self.rng.choice(MAKERS),
                                                 maker_serial=f"{made:%y}{co.enterprise.pk:02d}{k:06d}",
                                                 manufactured_on=made, model=model, by=co.user,
                                                 last_inspected_on=inspected)
                co.cylinders.append(cyl)

    def decide_statuses(self, co: Company):
        """A few are scrapped by their owner, seized or black-listed by the regulator, during the chain's window."""
        office = self.b.office
        for cyl in self.rng.sample(co.cylinders, max(3, len(co.cylinders) // 40)):
            to, by, reason = self.rng.choice([
                (Status.SCRAPPED, co.user, "瓶体严重腐蚀，报废"), (Status.SEIZED, office, "专项检查发现私自改装瓶阀，予以扣押"),
                (Status.BLACKLISTED, office, "多次在非产权单位充装，列入黑名单")])
            self.add(self.at(self.rng.uniform(1, CHAIN_DAYS)), lambda c=cyl, to=to, by=by, reason=reason:
                     self.change(c, to, by, reason))

    def change(self, cyl, to, by, reason):
        with clock.frozen(self.event_at):
            services.change_status(cyl, to_status=to, reason=reason, by=by)

    # -- the chain ----------------------------------------------------------------------------------------------
    def add(self, at, fn):
        if at < self.now:
            self.events.append((at, len(self.events), fn))

    def plan_chain(self, co: Company, others: list[Company]):
        day = self.b.today
        fit = [c for c in co.cylinders if c.fit_on(day) and c.status == Status.IN_SERVICE]
        active = self.rng.sample(fit, int(len(fit) * 0.5))
        for cyl in active:
            state = {"ok": True}
            t = self.at(self.rng.uniform(5, CHAIN_DAYS))
            while t < self.now - timedelta(days=1):
                self.add(t, lambda c=cyl, t=t, s=state: self.fill(co, c, t, s))
                sold = t + timedelta(hours=self.rng.uniform(2, 40))
                self.add(sold, lambda c=cyl, t=sold, s=state: self.sell(co, c, t, s))
                delivered = sold + timedelta(hours=self.rng.uniform(1, 5))
                self.add(delivered, lambda t=delivered, s=state: self.deliver(co, t, s))
                back = delivered + timedelta(days=self.rng.uniform(12, 40))
                self.add(back, lambda c=cyl, t=back, s=state: self.give_back(co, c, t, s))
                t = back + timedelta(hours=self.rng.uniform(4, 72))
        # Refusals at the gate: unfit cylinders brought back, mistyped codes, and one station that keeps trying
        # to fill other companies' cylinders (a signal for the inspectors).
        unfit = [c for c in co.cylinders if not c.fit_on(day)]
        for cyl in self.rng.sample(unfit, min(len(unfit), self.b.n(12))):
            self.add(self.at(self.rng.uniform(0, CHAIN_DAYS)), lambda c=cyl.code: self.scan(co, c))
        for cyl in self.rng.sample(co.cylinders, self.b.n(3)):
            typo = cyl.code[:-2] + ("0" if cyl.code[-2] != "0" else "1") + cyl.code[-1]
            self.add(self.at(self.rng.uniform(0, CHAIN_DAYS)), lambda c=typo: self.scan(co, c))
        if others and co is self.rogue:
            # …and tops up a few of its own full cylinders without their going out and coming back (倒灌).
            for cyl in active[: self.b.n(3)]:
                self.add(self.at(self.rng.uniform(1, 10)), lambda c=cyl: self.fill(co, c, self.event_at, {}))
            for other in others:
                for cyl in self.rng.sample(other.cylinders, max(2, self.b.n(4))):
                    self.add(self.at(self.rng.uniform(1, 14)), lambda c=cyl.code: self.scan(co, c))

    def pick_buyer(self, co, cyl):
        """A buyer the seller still supplies (it stops once a check's hazard is left past its deadline)."""
        businesses = [c for c in co.businesses if c.pk not in self.cut_off]
        # Catering buyers take 15 kg bottles: a 50 kg one is refused them (plan 二(一)2); now and then a seller
        # tries, and the refusal shows.
        chance = 0.03 if services.is_fifty_kg(cyl) else 0.3
        if businesses and self.rng.random() < chance and cyl.model != CylinderModel.YSP12:
            return self.rng.choice(businesses)
        return self.rng.choice([c for c in co.households if c.pk not in self.cut_off] or co.households)

    def scan(self, co, code):
        with clock.frozen(self.event_at):
            check = services.gate_check(code=code, station=co.station, by=co.user)
        self.counts["gate_refusals"] += not check.allowed

    def fill(self, co, cyl, t, state):
        if state.get("full"):  # not sold last time: still full, it goes out as it is
            state["ok"] = True
            return
        with clock.frozen(t):
            check = services.gate_check(code=cyl.code, station=co.station, by=co.user,
                                        checked_at=t - timedelta(minutes=2))
            if not check.allowed:
                self.counts["gate_refusals"] += 1
                state["ok"] = False
                return
            weight = FILL[cyl.model]
            services.record_filling(gate_check_id=check.client_id, code=cyl.code, station=co.station,
                                    operator=self.rng.choice(co.operators), net_weight_kg=weight, pre_checks=PRE,
                                    post_checks=POST, by=co.user, filled_at=t)
        self.counts["fillings"] += 1
        state["ok"] = state["full"] = True

    def sell(self, co, cyl, t, state):
        if not state["ok"]:
            return
        buyer = self.pick_buyer(co, cyl)
        with clock.frozen(t):
            try:
                state["sale"] = services.sell(seller=co.enterprise, customer=buyer, codes_sold=[cyl.code],
                                              courier=self.rng.choice(co.couriers),
                                              safety_checker=self.rng.choice(co.checkers), by=co.user)
            except (services.Refused, ValidationError) as exc:
                # e.g. a 50 kg bottle to a restaurant, or a buyer whose delivery-check hazard is overdue
                self.counts["sales_refused"] += 1
                for code in (exc.codes if isinstance(exc, services.Refused) else ["invalid"]):
                    self.refused[code] = self.refused.get(code, 0) + 1
                    if code == "buyer_overdue_hazard":
                        self.cut_off.add(buyer.pk)
                state["ok"] = False
                return
        self.counts["sales"] += 1

    def deliver(self, co, t, state):
        if not state["ok"]:
            return
        sale = state["sale"]
        answers = {p.key: ("1.5" if p.key == "hose_length_m" else "30" if p.key == "stored_kg" else "pass")
                   for p in POINTS}
        if sale.customer.kind == CustomerKind.PERSON:
            answers.update(detector="na", shutoff_valve="na", stored_kg="15")
        if self.rng.random() < 0.08:
            failure = self.rng.choices([f for f, _ in FAILURES], [w for _, w in FAILURES])[0]
            if "regulator_fixed_outlet" not in failure or sale.customer.kind == CustomerKind.BUSINESS:
                answers.update(failure)
        with clock.frozen(t):
            delivery = services.deliver(sale=sale, answers=answers, acknowledged_by=sale.customer.name, by=co.user,
                                        delivered_at=t)
        self.counts["deliveries"] += 1
        self.counts["delivery_hazards"] += delivery.failed_count

    def give_back(self, co, cyl, t, state):
        if not state["ok"]:
            return
        with clock.frozen(t):
            services.record_return(code=cyl.code, by=co.user, returned_at=t)
        state["full"] = False
        self.counts["returns"] += 1

    def run(self) -> dict:
        cos = self.companies()
        if not cos:
            return self.counts
        per = max(20, self.b.n(2400) // len(cos))
        catering = [p.site for p in self.b.sites
                    if p.site.site_type in ("restaurant", "canteen") and p.site.fuel == Fuel.LPG]
        for co in cos:
            self.register(co, per)
        for i, co in enumerate(cos):
            self.customers(co, catering[i::len(cos)])
        for co in cos:
            self.decide_statuses(co)
        self.rogue = cos[-1]
        for co in cos:
            self.plan_chain(co, [o for o in cos if o is not co])
        # One station is locked by the regulator for a day; its scans that day are refused.
        blocked, when = cos[0], self.at(3, 9)
        self.add(when, lambda: self.block(blocked, True))
        for cyl in blocked.cylinders[:3]:
            self.add(when + timedelta(hours=2), lambda c=cyl.code: self.scan(blocked, c))
        self.add(when + timedelta(hours=8), lambda: self.block(blocked, False))
        self.events.sort(key=lambda e: (e[0], e[1]))
        for at, _, fn in self.events:
            self.event_at = at
            fn()
        self.counts["cylinders"] = sum(len(c.cylinders) for c in cos)
        self.counts["sales_refused_by"] = self.refused
        return self.counts

    def block(self, co, on: bool):
        with clock.frozen(self.event_at):
            if on:
                services.block_station(co.station, reason="充装记录与称重数据不符，暂停充装待查", by=self.b.office)
            else:
                services.lift_block(co.station, by=self.b.office)


def load(builder) -> dict:
    from .signals import queue_reminders, send_reminders

    counts = CylinderDemo(builder).run()
    counts["reminders"] = queue_reminders()
    send_reminders()
    builder.log(f"气瓶：登记 {counts.get('cylinders', 0)} 只，充装 {counts['fillings']} 次，实名销售 {counts['sales']} 单"
                f"（拒绝 {counts['sales_refused']}），随瓶安检 {counts['deliveries']} 次（隐患 {counts['delivery_hazards']} 项），"
                f"回收 {counts['returns']} 次，充装前检查拒绝 {counts['gate_refusals']} 次，到期提醒 {counts['reminders']} 条")
    return counts

