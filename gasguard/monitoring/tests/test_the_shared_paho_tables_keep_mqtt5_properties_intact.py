"""The ingester shares paho's MQTT 5 property tables between messages (mqtt.share_paho_property_tables), a change
to paho's internals: properties must still be set, packed and read back exactly as paho does it, each object
keeping its own values. If a paho release changes those internals, this fails before an ingester does."""
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import MQTTException, Properties

from gasguard.monitoring.mqtt import share_paho_property_tables


def _round_trip(props):
    packed = props.pack()
    back = Properties(props.packetType)
    back.unpack(packed)
    return back


def test_properties_pack_and_unpack_as_before_and_stay_separate():
    share_paho_property_tables()
    share_paho_property_tables()   # idempotent
    connect = Properties(PacketTypes.CONNECT)
    connect.SessionExpiryInterval = 604800
    connect.ReceiveMaximum = 2000
    publish = Properties(PacketTypes.PUBLISH)
    publish.UserProperty = ("device", "FMJ-00034")
    publish.MessageExpiryInterval = 30
    back = _round_trip(connect)
    assert (back.SessionExpiryInterval, back.ReceiveMaximum) == (604800, 2000)
    back = _round_trip(publish)
    assert back.UserProperty == [("device", "FMJ-00034")] and back.MessageExpiryInterval == 30
    assert not hasattr(Properties(PacketTypes.PUBLISH), "MessageExpiryInterval")   # no value leaks between objects
    with pytest.raises(MQTTException):
        Properties(PacketTypes.CONNECT).TopicAlias = 3    # not allowed on CONNECT: paho still checks it
