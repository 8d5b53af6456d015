"""/api/v1/accountability-trace/: the trace of the hazards in the caller's scope, filtered like the page."""
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from gasguard.hazards.models import Hazard

from . import trace


class TraceEntrySerializer(serializers.Serializer):
    role = serializers.CharField(help_text="环节：检查、登记、整改、验收、回头看、督办、调整")
    step = serializers.CharField(help_text="操作")
    person = serializers.CharField(help_text="经办人")
    person_id = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(help_text="所在单位")
    signature = serializers.CharField(help_text="签名")
    at = serializers.DateTimeField(help_text="时间")
    note = serializers.CharField(help_text="说明")


class TraceSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.name")
    jurisdiction = serializers.CharField(source="jurisdiction.name")
    lead_unit = serializers.CharField(source="lead_unit.name")
    people = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = ["id", "number", "site", "jurisdiction", "lead_unit", "state", "severity", "responsible_party",
                  "responsible_person", "deadline", "found_at", "closed_at", "people"]

    @extend_schema_field(TraceEntrySerializer(many=True))
    def get_people(self, hazard) -> list[dict]:
        return TraceEntrySerializer(trace.entries(hazard), many=True).data


class TraceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """责任倒查: each hazard with everyone who inspected, signed, rectified, verified and looked back, in time
    order. Filters: those of /hazards/ plus verified_by, rectified_by, found_by, person (user ids), number,
    closed_after, closed_before."""

    serializer_class = TraceSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = trace.TraceFilter

    def get_queryset(self):
        return trace.with_people(Hazard.objects.visible_to(self.request.user).order_by("-found_at", "-id"))


router = SimpleRouter()
router.register("accountability-trace", TraceViewSet, basename="accountability-trace")
urlpatterns = router.urls
