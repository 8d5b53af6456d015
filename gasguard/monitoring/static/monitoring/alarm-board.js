// 报警处置: the board follows /api/v1/alarm-stream/ (server-sent events). Each event names an alarm; its row is
// fetched again from the server (the same template as the first render, with the steps this user may take).
// A new or renewed second-level alarm plays a short tone made with WebAudio (no sound file).
(function () {
  var tbody = document.getElementById("alarm-rows");
  var live = document.getElementById("live");
  var counter = document.getElementById("alarm-count");
  var empty = document.getElementById("no-alarms");
  var soundOn = document.getElementById("sound-on");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value;
  var board = window.GasAlarmBoard = {tones: 0, events: 0};
  var audio = null;

  function tone() {
    board.tones += 1;
    if (!soundOn.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      [0, 0.35].forEach(function (at) {  // two short beeps at 880 Hz
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.type = "square"; osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.15, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.25);
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + 0.26);
      });
    } catch (e) { /* no audio device: the row still flashes */ }
  }
  // Browsers start audio only after a user gesture: the first click anywhere unlocks it.
  document.addEventListener("click", function () {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) audio = new (window.AudioContext || window.webkitAudioContext)();
  }, {once: true});

  function recount() {
    var n = tbody.querySelectorAll("tr.alarm-row").length;
    counter.textContent = n;
    empty.hidden = n > 0;
  }

  function refreshRow(id, isNew) {
    return fetch("/monitoring/alarms/" + id + "/row/", {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) return;
      return r.text().then(function (html) {
        // Parsed in an inert <template> (nothing in it loads or runs) from the server's escaped row.
        var holder = document.createElement("template");
        holder.innerHTML = "<table><tbody>" + html.trim() + "</tbody></table>";
        var row = document.importNode(holder.content.querySelector("tr"), true), old = document.getElementById("alarm-" + id);
        if (row.dataset.state === "closed") { if (old) old.remove(); recount(); return; }
        if (old) old.replaceWith(row); else tbody.insertBefore(row, tbody.firstChild);
        if (isNew || !old) { row.classList.add("fresh"); setTimeout(function () { row.classList.remove("fresh"); }, 4000); }
        recount();
      });
    });
  }

  var source = new EventSource("/api/v1/alarm-stream/");
  source.onopen = function () { live.classList.remove("off"); live.dataset.connected = "1"; };
  source.onerror = function () { live.classList.add("off"); };
  source.addEventListener("alarm", function (e) {
    var d = JSON.parse(e.data);
    board.events += 1;
    refreshRow(d.alarm.id, d.action === "raise").then(function () { if (d.sound) tone(); });
  });

  // The steps. acknowledge / arrive / close go at once; dispatch and handle ask for a unit or a finding first.
  var dialog = document.getElementById("step-dialog");
  var form = document.getElementById("step-form");
  var errorBox = document.getElementById("step-error");
  var pending = null;

  function post(id, action, body) {
    return fetch("/api/v1/alarms/" + id + "/" + action + "/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body || {})
    }).then(function (r) {
      if (r.ok) return refreshRow(id, false).then(function () { return null; });
      return r.json().then(function (j) {
        return Object.keys(j).map(function (k) { return [].concat(j[k]).join(" "); }).join("；") || r.statusText;
      }, function () { return r.statusText; });
    });
  }

  tbody.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-action]");
    if (!b) return;
    var id = b.dataset.alarm, action = b.dataset.action;
    if (action === "dispatch" || action === "handle") {
      pending = {id: id, action: action};
      document.getElementById("step-title").textContent = b.textContent + " · " + document.querySelector("#alarm-" + id + " td:nth-child(2)").textContent;
      form.querySelectorAll("label[data-for]").forEach(function (l) { l.hidden = l.dataset.for !== action; });
      errorBox.hidden = true; form.note.value = "";
      dialog.showModal();
      return;
    }
    b.disabled = true;
    post(id, action).then(function (err) { if (err) { b.disabled = false; window.alert(err); } });
  });

  if (form) form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.value === "cancel") return;
    e.preventDefault();
    var body = {note: form.note.value};
    if (pending.action === "dispatch") {
      body.unit = form.unit.value;
      if (form.user.value) body.user = form.user.value;  // a person by name, besides the unit
    }
    if (pending.action === "handle") body.finding = form.finding.value;
    post(pending.id, pending.action, body).then(function (err) {
      if (err) { errorBox.textContent = err; errorBox.hidden = false; } else { dialog.close(); }
    });
  });
})();
