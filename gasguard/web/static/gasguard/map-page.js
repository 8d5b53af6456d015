// 一张图: sites (small grey dots) and open hazards (coloured by severity and state, overdue outlined in black).
(function () {
  var map = GasMap.base("map").setView(GasMap.cfg.center, GasMap.cfg.zoom);
  var siteLayer = L.layerGroup().addTo(map), hazardLayer = L.layerGroup().addTo(map);
  var deviceLayer = L.layerGroup().addTo(map);
  // Monitoring devices, coloured by state; their filter is added here so the page template stays the ledger's.
  var deviceColours = {normal: "#27ae60", alarm: "#c0392b", offline: "#95a5a6", fault: "#8e44ad"};
  var EN = document.documentElement.lang === "en";
  var deviceLabels = EN
    ? {"": "All device states", normal: "Normal", alarm: "Alarm", offline: "Offline", fault: "Fault"}
    : {"": "全部设备状态", normal: "正常", alarm: "报警", offline: "离线", fault: "故障"};
  var colours = {major: "#c0392b", general: "#e67e22"};
  var stateFill = {open: 1.0, rectifying: 0.75, controlled: 0.6, submitted: 0.4};
  var form = document.getElementById("map-filter");
  var counter = document.getElementById("map-count");
  // Built as elements (no HTML strings, no style attributes: the Content-Security-Policy refuses inline styles).
  var el = GasSafe.el;
  var stateSelect = el("select", {name: "device_state", id: "device-state"});
  Object.keys(deviceLabels).forEach(function (k) { stateSelect.appendChild(el("option", {value: k}, deviceLabels[k])); });
  var deviceBox = el("span", {className: "device-filter"},
    el("label", {}, el("input", {type: "checkbox", id: "show-devices", checked: true}), " " + (EN ? "Monitoring devices" : "监测设备")),
    " ", stateSelect, " ");
  Object.keys(deviceColours).forEach(function (k) {
    var dot = el("i", {className: "dot"});
    dot.style.background = deviceColours[k];  // a style property set from script, not a style attribute
    deviceBox.appendChild(dot);
    deviceBox.appendChild(document.createTextNode(deviceLabels[k] + " "));
  });
  deviceBox.appendChild(document.createTextNode("· " + (EN ? "Devices" : "设备") + " "));
  deviceBox.appendChild(el("b", {id: "device-count"}, "…"));
  form.insertBefore(deviceBox, form.querySelector(".legend"));
  form.addEventListener("submit", function (e) { e.preventDefault(); });  // the filters apply as they change
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
              .bindTooltip(GasSafe.escape(s[3])).on("click", function () { window.location = "/sites/" + s[0] + "/"; })
              .addTo(siteLayer);
          });
        }
        d.hazards.forEach(function (h) {
          L.circleMarker(GasMap.show(h[1], h[2]), {
            radius: h[4] === "major" ? 8 : 6, color: h[6] ? "#000" : colours[h[4]], weight: h[6] ? 2 : 1,
            fillColor: colours[h[4]], fillOpacity: stateFill[h[5]] || 0.5
          }).bindTooltip(GasSafe.escape(h[3] + " " + h[7])).on("click", function () { window.location = "/hazards/" + h[0] + "/"; })
            .addTo(hazardLayer);
        });
        counter.textContent = d.hazards.length;
        deviceLayer.clearLayers();
        var devices = document.getElementById("show-devices").checked ? (d.devices || []) : [];
        devices.forEach(function (v) {
          L.circleMarker(GasMap.show(v[1], v[2]), {
            radius: v[4] === "alarm" ? 9 : 5, color: "#fff", weight: 1.5,
            fillColor: deviceColours[v[4]] || "#95a5a6", fillOpacity: 1
          }).bindTooltip(GasSafe.escape(v[3] + " " + (deviceLabels[v[4]] || v[4]) + " · " + v[5] + " · " + v[6]))
            .on("click", function () { window.location = "/monitoring/devices/" + v[0] + "/"; })
            .addTo(deviceLayer);
        });
        document.getElementById("device-count").textContent = devices.length;
      });
  }
  form.addEventListener("change", load);
  // Outlines first: on one canvas the last-drawn layer takes the clicks, and it must be the markers.
  GasMap.outlines(map).then(load, load);
})();
