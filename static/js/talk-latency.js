// Feedback time (/talks/latency/): talks by days to feedback, one bar series per street.
(function () {
  "use strict";
  var node = document.getElementById("latency-chart");
  var source = document.getElementById("latency-data");
  if (!node || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(node);
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.buckets },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
