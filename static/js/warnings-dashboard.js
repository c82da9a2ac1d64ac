// The warnings dashboard's trend chart: warnings per quarter, one series per level.
(function () {
  var node = document.getElementById("kp-trend");
  var source = document.getElementById("kp-trend-data");
  if (!node || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = { red: "#dc3545", yellow: "#ffc107", blue: "#0d6efd" };
  var series = ["red", "yellow", "blue"].map(function (level) {
    return { name: data.labels[level], type: "bar", stack: "all", itemStyle: { color: colours[level] }, data: data.trend.series[level] };
  });
  var chart = echarts.init(node);
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.trend.periods },
    yAxis: { type: "value", minInterval: 1 },
    series: series,
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
