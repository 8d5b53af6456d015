import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gasguard.audit import services as audit
from gasguard.org.models import Jurisdiction

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "binhai-outlines-approx.geojson"


class Command(BaseCommand):
    help = ("从 GeoJSON 文件载入属地边界（WGS-84）。每个要素的 properties 须有 code（属地编码）或 name（属地名称）。"
            "全部校验通过才写入。不带参数时载入演示用的近似边界。")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="GeoJSON 文件路径")

    def handle(self, *args, file=None, **options):
        path = Path(file) if file else DEMO_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 GeoJSON 文件 {path}：{exc}")
        features = data.get("features") if isinstance(data, dict) else None
        if not isinstance(features, list):
            raise CommandError("文件不是 GeoJSON FeatureCollection（缺少 features）")
        by_code = {j.code: j for j in Jurisdiction.objects.all()}
        by_name = {j.name: j for j in by_code.values()}
        errors, updates = [], []
        for i, feat in enumerate(features, start=1):
            props = feat.get("properties") or {}
            j = by_code.get(str(props.get("code", ""))) or by_name.get(str(props.get("name", "")))
            geom = feat.get("geometry") or {}
            if j is None:
                errors.append(f"第{i}个要素：找不到属地（code={props.get('code')!r}, name={props.get('name')!r}）")
            elif geom.get("type") not in ("Polygon", "MultiPolygon") or not geom.get("coordinates"):
                errors.append(f"第{i}个要素（{j.name}）：几何类型须为 Polygon 或 MultiPolygon")
            else:
                updates.append((j, geom))
        if errors:
            raise CommandError("未载入任何边界：\n" + "\n".join(errors))
        with transaction.atomic():
            for j, geom in updates:
                j.outline = geom
                j.save(update_fields=["outline"])
            audit.record("jurisdiction.outlines", object_type="org.jurisdiction", object_id="*",
                         after={"file": path.name, "jurisdictions": sorted(j.code for j, _ in updates)})
        self.stdout.write(self.style.SUCCESS(f"已载入 {len(updates)} 个属地的边界。"))
