// Text from data never becomes markup. Leaflet's tooltips (and any library that takes an HTML string) get
// GasSafe.escape(text); everywhere else the scripts build elements and set their textContent.
var GasSafe = (function () {
  var ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};
  function escape(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }
  // el("b", {id: "x", className: "y"}, "text", child, ...): an element with properties and text or element children.
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    Array.prototype.slice.call(arguments, 2).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  return {escape: escape, el: el};
})();
