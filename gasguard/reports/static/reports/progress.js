// The report run page: poll the run's status every second, move the bar, reload when it ends (the page then
// shows the download links or the error).
(function () {
  var box = document.getElementById("report-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-bar");
  var step = document.getElementById("report-step");
  var note = document.getElementById("report-note");

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        note.textContent = "";
        bar.value = s.percent;
        step.textContent = s.state_label + (s.step ? "：" + s.step : "") + "（" + s.percent + "%）";
        if (s.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 700);
      })
      .catch(function () {
        note.textContent = box.getAttribute("data-failed");
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 500);
})();
