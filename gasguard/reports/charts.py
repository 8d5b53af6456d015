"""The report's charts as PNG images (matplotlib, no display), lettered in a CJK font found on the machine."""
import io
import subprocess
from functools import lru_cache

from matplotlib import font_manager

# Figure, not pyplot: no global state, so two reports may draw at once (threads).
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


class FontMissing(RuntimeError):
    pass


PREFERRED = ("Noto Sans CJK SC", "Noto Sans CJK", "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback",
             "SimHei", "Microsoft YaHei")


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """A font with Chinese glyphs: matplotlib's own list first, then fontconfig; a clear error when there is none."""
    names = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for wanted in PREFERRED:
        for name, path in names.items():
            if name.startswith(wanted):
                return font_manager.FontProperties(fname=path)
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in out.splitlines():
        path = line.split(":")[0].strip()
        if path:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path)
    raise FontMissing("生成月报图表需要中文字体，但本机没有找到（fontconfig 中无 :lang=zh 字体）。"
                      "请安装 fonts-noto-cjk：bash scripts/install-system-deps.sh（以 root 运行）。")


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    return buf.getvalue()


def _style(ax, font, title):
    ax.set_title(title, fontproperties=font, fontsize=12)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)


def trend_chart(trend: list[dict], month_label: str) -> bytes:
    font = cjk_font()
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.subplots()
    months = [r["month"][2:] for r in trend] or ["—"]
    ax.plot(months, [r["found"] for r in trend] or [0], marker="o", color="#c0392b", label="发现")
    ax.plot(months, [r["closed"] for r in trend] or [0], marker="s", color="#2e7d32", label="销号")
    ax.tick_params(axis="x", rotation=45, labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax, font, f"隐患发现与销号趋势（截至{month_label}）")
    ax.legend(prop=font, frameon=False)
    return _png(fig)


def area_chart(by_area: list[dict]) -> bytes:
    font = cjk_font()
    rows = [r for r in by_area if r["found"]] or by_area[:1]
    fig = Figure(figsize=(7.5, 3.4))
    ax = fig.subplots()
    x = range(len(rows))
    ax.bar([i - 0.2 for i in x], [r["found"] for r in rows], width=0.4, color="#c0392b", label="累计发现")
    ax.bar([i + 0.2 for i in x], [r["closed"] for r in rows], width=0.4, color="#2e7d32", label="累计销号")
    ax.set_xticks(list(x), [r["short"] for r in rows], rotation=60, fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax, font, "各属地隐患发现与销号")
    ax.legend(prop=font, frameon=False)
    return _png(fig)


def unit_chart(by_unit: list[dict]) -> bytes:
    font = cjk_font()
    rows = [r for r in by_unit if r["found"]][:15][::-1] or [{"unit": "—", "rate": 0}]
    fig = Figure(figsize=(7.5, max(2.0, 0.32 * len(rows) + 1)))
    ax = fig.subplots()
    ax.barh([r["unit"] for r in rows], [r["rate"] for r in rows], color="#1f5fa8")
    ax.set_xlim(0, 100)
    for i, r in enumerate(rows):
        inside = r["rate"] > 85  # a long bar carries its label inside, in white
        ax.text(r["rate"] - 1 if inside else r["rate"] + 1, i, f"{r['rate']}%", va="center", fontsize=8,
                ha="right" if inside else "left", color="white" if inside else "black")
    _style(ax, font, "牵头单位整改率（%）")
    return _png(fig)
