// A device's readings: min / avg / max per minute or hour, aggregated on the server from the roll-ups.
(function () {
  var EN = document.documentElement.lang === "en";
  var el = document.getElementById("device-chart");
  var form = document.getElementById("chart-filter");
  var emptyNote = document.getElementById("chart-empty");
  var chart = echarts.init(el);
  // Tooltips drawn on the canvas (richText), not as HTML: names from data stay text, and ECharts' HTML tooltips
  // carry style attributes that the Content-Security-Policy refuses.
  var TOOLTIP = {trigger: "axis", renderMode: "richText"};
  var ranges = {"6h": [6, "minute"], "24h": [24, "minute"], "7d": [168, "hour"]};
  function load() {
    var r = ranges[form.range.value], until = new Date(), since = new Date(until - r[0] * 3600e3);
    var q = new URLSearchParams({metric: form.metric.value, bucket: r[1], since: since.toISOString(), until: until.toISOString()});
    fetch("/api/v1/devices/" + el.dataset.device + "/series/?" + q, {credentials: "same-origin"})
      .then(function (resp) { return resp.json(); })
      .then(function (d) {
        var pts = d.points || [];
        emptyNote.hidden = pts.length > 0;
        function s(name, key, extra) {
          return Object.assign({name: name, type: "line", showSymbol: false,
            data: pts.map(function (p) { return [p.bucket, p[key] === null ? null : Math.round(p[key] * 100) / 100]; })}, extra || {});
        }
        chart.setOption({
          animation: false, tooltip: TOOLTIP, legend: {top: 0},
          grid: {left: 48, right: 16, top: 32, bottom: 32},
          xAxis: {type: "time"}, yAxis: {type: "value", name: d.metric, scale: true},
          series: [s(EN ? "Max" : "最大", "max", {lineStyle: {width: 1, color: "#c0392b"}, itemStyle: {color: "#c0392b"}}),
                   s(EN ? "Mean" : "平均", "avg", {lineStyle: {width: 2, color: "#1f5f9f"}, itemStyle: {color: "#1f5f9f"}}),
                   s(EN ? "Min" : "最小", "min", {lineStyle: {width: 1, color: "#7f8c8d"}, itemStyle: {color: "#7f8c8d"}})]
        }, true);
        el.dataset.points = pts.length;
      });
  }
  form.addEventListener("change", load);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  window.addEventListener("resize", function () { chart.resize(); });
  load();
})();
