// 一张图: sites (small grey dots) and open hazards (coloured by severity and state, overdue outlined in black).
(function () {
  var map = GasMap.base("map").setView(GasMap.cfg.center, GasMap.cfg.zoom);
  var siteLayer = L.layerGroup().addTo(map), hazardLayer = L.layerGroup().addTo(map);
  var colours = {major: "#c0392b", general: "#e67e22"};
  var stateFill = {open: 1.0, rectifying: 0.75, controlled: 0.6, submitted: 0.4};
  var form = document.getElementById("map-filter");
  var counter = document.getElementById("map-count");
  function load() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v) params.append(k, v); });
    var q = params.toString();
    fetch("/map/points.json?" + q, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (d) {
        siteLayer.clearLayers(); hazardLayer.clearLayers();
        if (document.getElementById("show-sites").checked) {
          d.sites.forEach(function (s) {
            L.circleMarker(GasMap.show(s[1], s[2]), {radius: 3, color: "#5d6d7e", weight: 1, fillOpacity: 0.6})
              .bindTooltip(s[3]).on("click", function () { window.location = "/sites/" + s[0] + "/"; })
              .addTo(siteLayer);
          });
        }
        d.hazards.forEach(function (h) {
          L.circleMarker(GasMap.show(h[1], h[2]), {
            radius: h[4] === "major" ? 8 : 6, color: h[6] ? "#000" : colours[h[4]], weight: h[6] ? 2 : 1,
            fillColor: colours[h[4]], fillOpacity: stateFill[h[5]] || 0.5
          }).bindTooltip(h[3] + " " + h[7]).on("click", function () { window.location = "/hazards/" + h[0] + "/"; })
            .addTo(hazardLayer);
        });
        counter.textContent = d.hazards.length;
      });
  }
  form.addEventListener("change", load);
  // Outlines first: on one canvas the last-drawn layer takes the clicks, and it must be the markers.
  GasMap.outlines(map).then(load, load);
})();
