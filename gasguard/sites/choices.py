"""Enumerations for what is regulated. Labels are the plan's own words."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteType(models.TextChoices):
    # Gas enterprises and their facilities
    PIPELINE_GAS_ENTERPRISE = "pipeline_gas_enterprise", _("管道燃气经营企业")
    LPG_ENTERPRISE = "lpg_enterprise", _("瓶装液化石油气经营企业")
    FILLING_STATION = "filling_station", _("液化石油气充装站")
    LPG_SUPPLY_POINT = "lpg_supply_point", _("液化石油气供应站点")
    PIPELINE_SEGMENT = "pipeline_segment", _("燃气管道")
    REGULATOR_STATION = "regulator_station", _("调压站（箱）")
    HAZMAT_VEHICLE = "hazmat_vehicle", _("危险货物运输车辆")
    TRANSPORT_ENTERPRISE = "transport_enterprise", _("危险货物道路运输企业")
    # Production, trade and testing upstream of the user
    LPG_PRODUCER = "lpg_producer", _("液化石油气及工业燃料生产企业")
    APPLIANCE_MAKER = "appliance_maker", _("气瓶及燃气具生产企业")
    APPLIANCE_SELLER = "appliance_seller", _("燃气具及配件销售企业（含电商）")
    INSPECTION_AGENCY = "inspection_agency", _("特种设备检验检测机构")
    # Gas-using units (二(四), 二(五)8)
    RESTAURANT = "restaurant", _("餐饮企业")
    CANTEEN = "canteen", _("单位食堂")
    SCHOOL = "school", _("学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    HOSPITAL = "hospital", _("医院")
    ELDERLY_HOME = "elderly_home", _("养老院")
    WELFARE_HOME = "welfare_home", _("福利院")
    HOTEL = "hotel", _("酒店")
    HOMESTAY = "homestay", _("民宿")
    FARM_STAY = "farm_stay", _("农家院")
    COMMERCIAL_COMPLEX = "commercial_complex", _("大型商贸综合体")
    STREET_SHOP = "street_shop", _("临街商铺")
    MOBILE_VENDOR = "mobile_vendor", _("流动餐饮")
    FARMERS_MARKET = "farmers_market", _("农贸集市")
    HOUSEHOLD = "household", _("居民用户")


# Site types that use gas for cooking or heating (the user end of the chain).
GAS_USING_TYPES = frozenset({
    SiteType.RESTAURANT, SiteType.CANTEEN, SiteType.SCHOOL, SiteType.KINDERGARTEN,
    SiteType.HOSPITAL, SiteType.ELDERLY_HOME, SiteType.WELFARE_HOME, SiteType.HOTEL,
    SiteType.HOMESTAY, SiteType.FARM_STAY, SiteType.COMMERCIAL_COMPLEX, SiteType.STREET_SHOP,
    SiteType.MOBILE_VENDOR, SiteType.FARMERS_MARKET, SiteType.HOUSEHOLD,
})


class Fuel(models.TextChoices):
    PIPELINE_GAS = "pipeline_gas", _("管道燃气")
    LPG = "lpg", _("瓶装液化石油气")
    INDUSTRIAL_FUEL = "industrial_fuel", _("工业燃料（工业丙烷、醇基燃料、生物质燃油等）")
    NONE = "none", _("不用气")


class Building(models.TextChoices):
    HIGH_RISE = "high_rise", _("高层建筑")
    UNDERGROUND = "underground", _("地下空间")
    SEMI_UNDERGROUND = "semi_underground", _("半地下空间")
    LARGE_STORE = "large_store", _("大中型商店建筑")
    ORDINARY = "ordinary", _("普通建筑")


class LicenceKind(models.TextChoices):
    GAS_BUSINESS = "gas_business", _("燃气经营许可证")
    FILLING = "filling", _("气瓶充装许可证")
    HAZMAT_TRANSPORT = "hazmat_transport", _("危险货物道路运输经营许可证")
    MANUFACTURING = "manufacturing", _("特种设备制造许可证")
    INSPECTION_QUALIFICATION = "inspection_qualification", _("检验检测机构资质")
    BUSINESS = "business", _("营业执照")
    FOOD_BUSINESS = "food_business", _("食品经营许可证")
