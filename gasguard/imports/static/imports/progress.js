// The import job page: poll the job's status every second, move the bar, and show the result when it ends.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("import-bar");
  var phase = document.getElementById("import-phase");
  var count = document.getElementById("import-count");
  var note = document.getElementById("import-note");
  var rows = box.getAttribute("data-rows");

  function show(s) {
    phase.textContent = s.state_label;
    if (s.total_rows) {
      bar.max = s.total_rows;
      bar.value = s.processed_rows;
      count.textContent = s.processed_rows + " / " + s.total_rows + " " + rows + "（" + s.percent + "%）";
    } else {
      bar.removeAttribute("value");  // indeterminate until the rows are counted
    }
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) {
        note.textContent = "";
        show(s);
        if (s.finished) { window.location.reload(); return; }  // the page then shows the result or the errors
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        note.textContent = box.getAttribute("data-failed");
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1000);
})();
