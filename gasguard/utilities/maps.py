"""The map's tile layer and starting view, from the settings, for every page that draws a map."""
from django.conf import settings


def map_config():
    return {"tileUrl": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "crs": settings.MAP_TILE_CRS, "center": settings.MAP_CENTER, "zoom": settings.MAP_ZOOM}
