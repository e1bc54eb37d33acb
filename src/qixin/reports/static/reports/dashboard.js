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
      // Counts on the left axis; a quotient (per 100 employees) on its own axis at the right, as a line.
      yAxis: [
        { type: "value", name: "人数", minInterval: 1 },
        { type: "value", name: "每百人", splitLine: { show: false } },
      ],
      series: data.comparison.map((s) => ({
        name: s.name,
        type: s.axis ? "line" : "bar",
        yAxisIndex: s.axis,
        data: s.data,
      })),
      grid: { left: 48, right: 48, bottom: 70, top: 40 },
    });
  }
  window.addEventListener("resize", () => {
    [trend, compare].forEach((el) => el && echarts.getInstanceByDom(el) && echarts.getInstanceByDom(el).resize());
  });
});
