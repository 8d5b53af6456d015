/* The device form: suggestions for the watched site as one types (a district has too many sites for a drop-down),
   a confirmation before a new secret replaces the old one, and a copy button for the secret shown once. */
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("id_site"), list = document.getElementById("site-options");
  if (box && list && script && script.dataset.suggest) {
    box.setAttribute("list", "site-options");
    box.setAttribute("autocomplete", "off");
    var timer = null, last = null;
    var suggest = function () {
      var q = box.value.trim();
      // A chosen suggestion ends in "#<id>": nothing more to look up.
      if (/#\d+$/.test(q) || q === last) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch(script.dataset.suggest + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {sites: []}; })
          .then(function (data) {
            list.textContent = "";
            data.sites.forEach(function (s) {
              var o = document.createElement("option");
              o.value = s.label;
              o.textContent = s.type;
              list.appendChild(o);
            });
          });
      }, 200);
    };
    box.addEventListener("input", suggest);
    // Typed before this script ran (a slow connection): look it up now rather than wait for the next key.
    if (box.value.trim()) suggest();
  }
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) { if (!window.confirm(b.dataset.confirm)) e.preventDefault(); });
  });
  var copy = document.getElementById("copy-secret"), secret = document.getElementById("device-secret");
  if (copy && secret) {
    copy.addEventListener("click", function () {
      var done = function () { copy.textContent = "✓"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(secret.textContent).then(done, function () { select(secret); });
      } else {
        select(secret);
      }
    });
  }
  function select(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
})();
