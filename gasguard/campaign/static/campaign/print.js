// 打印 on a printable page (a listener: the Content-Security-Policy refuses javascript: links).
document.querySelectorAll("[data-print]").forEach(function (b) {
  b.addEventListener("click", function () { window.print(); });
});
