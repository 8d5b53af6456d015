// Map helpers. Coordinates are stored in WGS-84; when the tile server uses GCJ-02 they are shifted for display only.
var GasMap = (function () {
  var cfg = JSON.parse(document.getElementById("map-config").textContent);
  var PI = Math.PI, A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lon) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(y * PI) + 40 * Math.sin(y / 3 * PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * PI) + 320 * Math.sin(y * PI / 30)) * 2 / 3;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2 / 3;
    r += (20 * Math.sin(x * PI) + 40 * Math.sin(x / 3 * PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * PI) + 300 * Math.sin(x / 30 * PI)) * 2 / 3;
  }
  function wgsToGcj(lat, lon) {
    if (outOfChina(lat, lon)) return [lat, lon];
    var dLat = tLat(lon - 105, lat - 35), dLon = tLon(lon - 105, lat - 35);
    var rad = lat / 180 * PI, m = Math.sin(rad); m = 1 - EE * m * m; var s = Math.sqrt(m);
    dLat = dLat * 180 / ((A * (1 - EE)) / (m * s) * PI);
    dLon = dLon * 180 / (A / s * Math.cos(rad) * PI);
    return [lat + dLat, lon + dLon];
  }
  function show(lat, lon) { return cfg.crs === "gcj02" ? wgsToGcj(lat, lon) : [lat, lon]; }
  function base(id, opts) {
    var map = L.map(id, Object.assign({preferCanvas: true, attributionControl: !!cfg.attribution}, opts || {}));
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, {attribution: cfg.attribution, maxZoom: 19}).addTo(map);
    } else {
      map.getContainer().classList.add("no-tiles");
    }
    return map;
  }
  function outlines(map) {
    return fetch("/map/outlines.json", {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (gj) {
        var layer = L.geoJSON(gj, {
          coordsToLatLng: function (c) { var p = show(c[1], c[0]); return L.latLng(p[0], p[1]); },
          style: function (f) {
            return {color: f.properties.level === "district" ? "#1f3a5f" : "#5d6d7e",
                    weight: f.properties.level === "district" ? 2 : 1, fill: false, dashArray: "4 3"};
          },
          onEachFeature: function (f, l) { l.bindTooltip(GasSafe.escape(f.properties.name)); }
        }).addTo(map);
        return layer;
      });
  }
  function mini(id) {
    var el = document.getElementById(id);
    if (!el || !el.dataset.lat) { if (el) el.textContent = "—"; return; }
    var p = show(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
    var map = base(id, {zoomControl: true}).setView(p, 14);
    function marker() {
      L.circleMarker(p, {radius: 9, color: "#c0392b", fillOpacity: 0.8}).bindTooltip(GasSafe.escape(el.dataset.name)).addTo(map);
    }
    outlines(map).then(marker, marker);
  }
  return {cfg: cfg, show: show, base: base, outlines: outlines, mini: mini, wgsToGcj: wgsToGcj};
})();
// A site's page: its mini map (no inline script: the Content-Security-Policy allows script files only).
if (document.getElementById("site-map")) GasMap.mini("site-map");
