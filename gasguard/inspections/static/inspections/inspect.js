// The phone inspection form: the rule's number decides pass or fail as it is typed; one tap marks the rest as pass.
(function () {
  var form = document.getElementById("inspect-form");
  var checks = Array.prototype.slice.call(document.querySelectorAll("li.check"));
  var progress = document.getElementById("progress");
  var ops = {le: function (v, l) { return v <= l; }, lt: function (v, l) { return v < l; },
             ge: function (v, l) { return v >= l; }, gt: function (v, l) { return v > l; }};
  function radio(li, value) { return li.querySelector("input[type=radio][value=" + value + "]"); }
  function answered(li) { return !!li.querySelector("input[type=radio]:checked"); }
  function refresh(li) {
    var checked = li.querySelector("input[type=radio]:checked");
    li.classList.toggle("failed", !!checked && checked.value === "fail");
    li.classList.toggle("done", !!checked);
  }
  function count() {
    var n = checks.filter(answered).length;
    progress.textContent = n + " / " + checks.length;
  }
  checks.forEach(function (li) {
    var num = li.querySelector("input[type=number]");
    if (num) {
      num.addEventListener("input", function () {
        var v = parseFloat(num.value);
        if (isNaN(v)) return;
        var ok = ops[li.dataset.op](v, parseFloat(li.dataset.limit));
        radio(li, ok ? "pass" : "fail").checked = true;
        refresh(li); count();
      });
    }
    li.addEventListener("change", function () { refresh(li); count(); });
    refresh(li);
  });
  count();
  document.getElementById("all-pass").addEventListener("click", function () {
    checks.forEach(function (li) {
      if (!answered(li) && !li.dataset.op) { radio(li, "pass").checked = true; refresh(li); }
    });
    count();
    var first = checks.filter(function (li) { return !answered(li); })[0];
    if (first) first.scrollIntoView({behavior: "smooth", block: "center"});
  });
  var kind = document.getElementById("kind");
  kind.addEventListener("change", function () {
    document.getElementById("joint-units").classList.toggle("hidden", kind.value !== "joint");
  });
  var geo = document.getElementById("geo");
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (p) {
      document.getElementById("lat").value = p.coords.latitude.toFixed(6);
      document.getElementById("lon").value = p.coords.longitude.toFixed(6);
      geo.textContent = (document.documentElement.lang === "en" ? "Location: " : "位置：") + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
    }, function () { geo.textContent = geo.dataset.fail || "未能获取位置（可不填）"; }, {timeout: 8000});
  } else { geo.textContent = geo.dataset.fail || "未能获取位置（可不填）"; }
  // Signature pad: pointer events cover finger, pen and mouse.
  var pad = document.getElementById("sign-pad"), ctx = pad.getContext("2d"), drawing = false, drawn = false;
  ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
  function pos(e) { var r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; }
  pad.addEventListener("pointerdown", function (e) { drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); pad.setPointerCapture(e.pointerId); });
  pad.addEventListener("pointermove", function (e) { if (!drawing) return; var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; });
  pad.addEventListener("pointerup", function () { drawing = false; });
  document.getElementById("sign-clear").addEventListener("click", function () { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; });
  form.addEventListener("submit", function () {
    document.getElementById("signature_image").value = drawn ? pad.toDataURL("image/png") : "";
    document.getElementById("submit").disabled = true;
  });
  var errors = document.getElementById("form-errors");
  if (errors) errors.scrollIntoView();
})();
