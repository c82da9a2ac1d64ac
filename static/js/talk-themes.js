// Residents' needs (/talks/themes/): talks per demand theme, and per theme and quarter.
(function () {
  "use strict";
  var source = document.getElementById("themes-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var themes = echarts.init(document.getElementById("themes-chart"));
  themes.setOption({
    tooltip: { renderMode: "richText" },
    grid: { left: 120 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.names },
    series: [{ type: "bar", data: data.talks }],
  });
  var quarters = echarts.init(document.getElementById("quarters-chart"));
  quarters.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0, type: "scroll" },
    xAxis: { type: "category", data: data.quarters },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; }),
  });
  window.addEventListener("resize", function () { themes.resize(); quarters.resize(); });
})();
