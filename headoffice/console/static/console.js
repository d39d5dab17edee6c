// Head-office console: small behaviours without inline scripts (the CSP forbids them).
(function () {
  "use strict";
  function yuan(fen) {
    var neg = fen < 0; fen = Math.abs(fen);
    var s = String(Math.floor(fen / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (neg ? "-" : "") + s + "." + String(fen % 100).padStart(2, "0");
  }
  function charts() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var src = document.getElementById("chart-" + el.dataset.chart);
      if (!src) { return; }
      var data = JSON.parse(src.textContent);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var series = (data.series || [
        { name: el.dataset.labelNet, key: "net", type: "bar" },
        { name: el.dataset.labelMember, key: "member", type: "line" }
      ]).map(function (s) {
        return { name: s.name, type: s.type || "bar", data: data[s.key], smooth: true };
      });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis", valueFormatter: function (v) { return "¥" + yuan(v); } },
        legend: { top: 0 },
        grid: { left: 70, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: data.days || data.labels },
        yAxis: { type: "value", axisLabel: { formatter: function (v) { return "¥" + yuan(v).replace(/\.00$/, ""); } } },
        series: series
      });
      el.dataset.drawn = "1";
      // The chart follows its box (a rotated tablet, a phone, a card that reflows).
      if (window.ResizeObserver) {
        new window.ResizeObserver(function () { chart.resize(); }).observe(el);
      } else {
        window.addEventListener("resize", function () { chart.resize(); });
      }
    });
  }
  function autosubmit() {
    document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("[data-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("submit", function (ev) {
        if (!window.confirm(el.dataset.confirm)) { ev.preventDefault(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { charts(); autosubmit(); });
  document.addEventListener("htmx:afterSettle", charts);
})();
