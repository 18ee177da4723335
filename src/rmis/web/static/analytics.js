// The dashboard's charts: each figure's JSON (written by the server) drawn by plotly.js; a click
// on a bar or point follows that row's link, as the table's links do for the keyboard.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Plotly) return;
  for (const el of document.querySelectorAll(".chart[data-figure]")) {
    const figure = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {
      responsive: true, displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
    });
    el.on("plotly_click", (event) => {
      const href = event.points && event.points[0] && event.points[0].customdata;
      if (href) window.location.assign(href);
    });
  }
});
