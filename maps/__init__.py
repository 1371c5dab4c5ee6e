"""Folium map export, offline: no CDN, no tile server needed."""

from .campaign_map import campaign_map, write_campaign_map

__all__ = ["campaign_map", "write_campaign_map"]
