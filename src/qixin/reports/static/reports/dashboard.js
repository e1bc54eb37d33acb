// Dashboard charts (ECharts, served from our own static files). Data comes from a JSON script tag.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const trend = document.getElementById("trend-chart");
  if (trend) {
    echarts.init(trend).setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: data.trends.map((s) => ({ name: s.name, type: "line", data: s.data })),
      grid: { left: 40, right: 10, bottom: 30, top: 30 },
    });
  }
  const compare = document.getElementById("compare-chart");
  if (compare) {
    echarts.init(compare).setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.siblings, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: data.comparison.map((s) => ({ name: s.name, type: "bar", data: s.data })),
      grid: { left: 40, right: 10, bottom: 70, top: 30 },
    });
  }
  window.addEventListener("resize", () => {
    [trend, compare].forEach((el) => el && echarts.getInstanceByDom(el) && echarts.getInstanceByDom(el).resize());
  });
});
