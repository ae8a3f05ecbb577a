// Draw the dashboard's trend charts from the JSON the page embeds; the tables carry
// the same numbers for keyboard and screen-reader users.
(function () {
  "use strict";
  function pct(values) {
    return values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; });
  }
  function draw(id, labels, datasets, unit) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        animation: false,
        spanGaps: true,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) {
          return unit === "%" ? v + "%" : (unit === "$" ? "$" + v.toLocaleString() : v);
        } } } }
      }
    });
  }
  function init() {
    var node = document.getElementById("chart-data");
    if (!node) { return; }
    var data = JSON.parse(node.textContent);
    var s = data.series, m = data.months;
    draw("chart-rates", m, [
      { label: "Initial denial rate (count)", data: pct(s.initial_denial_rate), borderColor: "#b42318" },
      { label: "Initial denial rate ($)", data: pct(s.initial_denial_rate_dollars), borderColor: "#dc6803", borderDash: [6, 3] }
    ], "%");
    draw("chart-dollars", m, [
      { label: "Denied", data: s.denied_amount, borderColor: "#b42318" },
      { label: "Recovered", data: s.recovered_amount, borderColor: "#067647" },
      { label: "Written off", data: s.written_off_amount, borderColor: "#667085", borderDash: [6, 3] }
    ], "$");
    draw("chart-work", m, [
      { label: "Recovery rate", data: pct(s.recovery_rate), borderColor: "#067647" },
      { label: "Overturn rate", data: pct(s.overturn_rate), borderColor: "#1d4ed8" },
      { label: "Worked within 7 days", data: pct(s.worked_within_7_days_rate), borderColor: "#7a5af8", borderDash: [6, 3] }
    ], "%");
    draw("chart-prevention", m, [
      { label: "First-pass resolution", data: pct(s.first_pass_resolution_rate), borderColor: "#1d4ed8" },
      { label: "Net collection rate", data: pct(s.net_collection_rate), borderColor: "#067647", borderDash: [6, 3] }
    ], "%");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else { init(); }
})();
