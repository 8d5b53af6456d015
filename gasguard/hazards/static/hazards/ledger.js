// The ledger: on a phone, fold the extra filters unless one is in use.
(function () {
  var d = document.getElementById("more-filters");
  if (!d) return;
  var used = Array.prototype.some.call(d.querySelectorAll("select, input"), function (e) { return e.value; });
  if (window.innerWidth < 760 && !used) d.open = false;
})();
