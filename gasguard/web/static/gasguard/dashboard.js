// Dashboard charts: the figures arrive aggregated by the server (json_script), never raw rows.
(function () {
  var L = document.documentElement.lang === "en"
    ? {found: "Found", closed: "Closed", rate: "Rectification rate %"}
    : {found: "发现隐患", closed: "已销号", rate: "整改率 %"};
  // Tooltips drawn on the canvas (richText), not as HTML: names from data stay text, and ECharts' HTML tooltips
  // carry style attributes that the Content-Security-Policy refuses.
  var TOOLTIP = {trigger: "axis", renderMode: "richText"};
  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  var trend = data("trend-data");
  var tc = echarts.init(document.getElementById("chart-trend"));
  tc.setOption({
    animation: false, tooltip: TOOLTIP, legend: {data: [L.found, L.closed]},
    grid: {left: 40, right: 16, top: 36, bottom: 28},
    xAxis: {type: "category", data: trend.months}, yAxis: {type: "value"},
    series: [{name: L.found, type: "bar", data: trend.found, itemStyle: {color: "#d35400"}},
             {name: L.closed, type: "line", data: trend.closed, itemStyle: {color: "#1e8449"}}]
  });
  var areas = data("area-data").slice(0, 26);
  var ac = echarts.init(document.getElementById("chart-area"));
  ac.setOption({
    animation: false, tooltip: TOOLTIP,
    grid: {left: 90, right: 24, top: 10, bottom: 24},
    xAxis: {type: "value", max: 100},
    yAxis: {type: "category", data: areas.map(function (a) { return a.short || a.name; }).reverse(), axisLabel: {fontSize: 11}},
    series: [{name: L.rate, type: "bar", data: areas.map(function (a) { return a.rate; }).reverse(),
              itemStyle: {color: "#2874a6"}}]
  });
  ac.on("click", function (p) {
    var a = areas[areas.length - 1 - p.dataIndex];
    if (a) { window.location = "/ledger/?jurisdiction=" + encodeURIComponent(a.code); }
  });
  window.addEventListener("resize", function () { tc.resize(); ac.resize(); });
})();
