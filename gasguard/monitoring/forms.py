"""Forms of the monitoring pages. They only read and type what was posted, with a Chinese message naming the field
when it cannot; the rules of the domain (ranges, order of set points, uniqueness) are checked by services.py, whose
per-field errors the views put back on these forms."""
import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gasguard.sites.models import Site

from .choices import DeadLetterReason, DeviceKind, DeviceState, RuleType
from .models import AlarmRule


def _messages(label):
    """Django's messages, each naming the field: the form shows several at once. Lazy, so they follow the
    language of the request."""
    return {"required": format_lazy(_("请填写{field}"), field=label),
            "invalid": format_lazy(_("{field}格式不正确"), field=label)}


def _float(label, required=False, **kwargs):
    return forms.FloatField(label=label, required=required, error_messages={
        **_messages(label), "invalid": format_lazy(_("{field}须为数字"), field=label)},
        widget=forms.NumberInput(attrs={"step": "any"}), **kwargs)


def _int(label, required=True, **kwargs):
    return forms.IntegerField(label=label, required=required, error_messages={
        **_messages(label), "invalid": format_lazy(_("{field}须为整数"), field=label)}, **kwargs)


def _date(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={**_messages(label), "invalid": format_lazy(
                               _("{field}须为有效日期，例如 2024-01-31"), field=label)})


_SITE_ID = re.compile(r"#(\d+)\s*$|^\s*(\d+)\s*$")


def site_label(site) -> str:
    """How a site is written in the site box: its name and, after #, its id (what the form reads back)."""
    return f"{site.name} · {site.jurisdiction.name} #{site.pk}"


class SiteField(forms.CharField):
    """The watched site, typed with suggestions (a district has tens of thousands of sites: no drop-down). Takes
    "<name> #<id>" as suggested, a bare id, or a name that only one site has."""

    def __init__(self, *args, sites=None, **kwargs):
        self.sites = sites if sites is not None else Site.objects.all()
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        match = _SITE_ID.search(text)
        if match:
            site = self.sites.filter(pk=int(match.group(1) or match.group(2))).first()
        else:
            found = list(self.sites.filter(name=text)[:2])
            site = found[0] if len(found) == 1 else None
            if len(found) > 1:
                raise forms.ValidationError(_("有多个名为“%(name)s”的监测对象，请从提示中选择"), params={"name": text})
        if site is None:
            raise forms.ValidationError(_("找不到监测对象“%(text)s”，请从提示中选择"), params={"text": text})
        return site


class DeviceForm(forms.Form):
    """Register a device (with its code) or edit one (code fixed)."""

    code = forms.CharField(label=_("设备编码"), max_length=64, error_messages=_messages(_("设备编码")),
                           help_text=_("设备上报时使用的编码，登记后不能修改；不能含 / + #"))
    name = forms.CharField(label=_("名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("设备类型"), choices=DeviceKind.choices, error_messages={
        **_messages(_("设备类型")), "invalid_choice": _("请选择有效的设备类型")})
    site = SiteField(label=_("监测对象"), max_length=300, error_messages=_messages(_("监测对象")),
                     help_text=_("输入名称或编号后从提示中选择"))
    lat = _float(_("纬度"), help_text=_("WGS-84；留空则取监测对象的位置"))
    lon = _float(_("经度"))
    installed_on = _date(_("安装日期"))
    calibrated_on = _date(_("标定日期"))
    interval_s = _int(_("上报间隔（秒）"), initial=60)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, device=None, **kwargs):
        self.device = device
        if device is not None and "initial" not in kwargs:
            kwargs["initial"] = {"code": device.code, "name": device.name, "kind": device.kind,
                                 "site": site_label(device.site), "lat": device.lat, "lon": device.lon,
                                 "installed_on": device.installed_on, "calibrated_on": device.calibrated_on,
                                 "interval_s": device.interval_s, "is_active": device.is_active}
        super().__init__(*args, **kwargs)
        if device is not None:
            # The code is the device's identity on the broker: shown, not posted.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("设备编码登记后不能修改")
        self.order_fields(["code", "name", "kind", "site", "lat", "lon", "installed_on", "calibrated_on",
                           "interval_s", "is_active"])


class RuleForm(forms.Form):
    """The settings of an alarm rule the office may change; only those that matter for the rule's type are shown."""

    threshold = _float(_("阈值"))
    low = _float(_("下限（区间）"))
    hysteresis = _float(_("回差"))
    duration_s = _int(_("持续时间（秒）"), min_value=0, required=False)
    window_s = _int(_("时间窗（秒）"), required=False)
    repeat_count = _int(_("时间窗内超限次数"), required=False)
    intervals = _int(_("无数据的上报周期数"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False)

    FIELDS_BY_TYPE = {
        RuleType.LEVEL: ("threshold", "low", "hysteresis", "duration_s", "is_active"),
        RuleType.RATE: ("threshold", "window_s", "is_active"),
        RuleType.REPEAT: ("threshold", "hysteresis", "repeat_count", "window_s", "is_active"),
        RuleType.SILENCE: ("intervals", "is_active"),
    }

    def __init__(self, *args, rule: AlarmRule, **kwargs):
        self.rule = rule
        kwargs.setdefault("initial", {f: getattr(rule, f) for f in self.base_fields})
        super().__init__(*args, **kwargs)
        keep = set(self.FIELDS_BY_TYPE.get(rule.rule_type, ("is_active",)))
        if "low" in keep and rule.op != "outside":
            keep.discard("low")  # only a band rule has a lower limit
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "duration_s" in self.fields:
            self.fields["duration_s"].error_messages["min_value"] = _("持续时间不能为负数")
        # Every shown setting has a value: an empty box is an error naming it, not a silent zero.
        for name in ("threshold", "hysteresis", "duration_s", "window_s", "repeat_count", "intervals", "low"):
            if name in self.fields:
                self.fields[name].required = True

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class DeviceFilterForm(forms.Form):
    """The device register's filters (GET). A value that cannot be read is reported and left out of the filter."""

    kind = forms.ChoiceField(label=_("设备类型"), required=False, choices=[("", _("全部"))] + DeviceKind.choices,
                             error_messages={"invalid_choice": _("设备类型无效")})
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + DeviceState.choices,
                              error_messages={"invalid_choice": _("设备状态无效")})
    jurisdiction = forms.CharField(label=_("属地"), required=False)
    site = forms.IntegerField(label=_("监测对象"), required=False, min_value=1,
                              error_messages={"invalid": _("监测对象编号须为整数"),
                                              "min_value": _("监测对象编号须为正整数")})
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    overdue = forms.BooleanField(label=_("标定逾期"), required=False)
    active = forms.ChoiceField(label=_("启用"), required=False,
                               choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))],
                               error_messages={"invalid_choice": _("启用状态无效")})


class DeadLetterFilterForm(forms.Form):
    reason = forms.ChoiceField(label=_("原因"), required=False, choices=[("", _("全部"))] + DeadLetterReason.choices,
                               error_messages={"invalid_choice": _("原因无效")})
    source = forms.ChoiceField(label=_("来源"), required=False,
                               choices=[("", _("全部")), ("mqtt", "MQTT"), ("http", "HTTP")],
                               error_messages={"invalid_choice": _("来源无效")})
    device = forms.CharField(label=_("设备编码"), required=False, max_length=64)
    since = _date(_("接收日期从"))
    until = _date(_("至"))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("结束日期不能早于开始日期"))
        return data
