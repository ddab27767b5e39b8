/* Komvos charts: draws every <canvas data-chart="name"> from the page's JSON chart data
   (<script type="application/json" id="chart-data">) with the vendored Chart.js. The tables
   beside the charts carry the same numbers, so a page without JavaScript loses nothing. */
(function () {
  "use strict";
  var COLOURS = ["#0b5cad", "#b35c00", "#1d6b34", "#7a3e9d", "#a4161a", "#00707a", "#4a5561", "#8a6d00"];

  function dataset(series, index, stacked) {
    var colour = COLOURS[index % COLOURS.length];
    return { label: series.label, data: series.values, backgroundColor: colour,
             borderColor: colour, stack: stacked ? "all" : undefined };
  }

  function draw(canvas, spec) {
    var stacked = spec.type === "stacked";
    canvas.parentElement.classList.add("drawn");
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) { return dataset(s, i, stacked); })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: spec.series.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: stacked, ticks: { autoSkip: true, maxRotation: 60 } },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  }

  function start() {
    var source = document.getElementById("chart-data");
    if (!source || !window.Chart) { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.getAttribute("data-chart")];
      if (spec && spec.series.length) { draw(canvas, spec); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
