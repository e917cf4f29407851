// Keyboard shortcuts for people who live in the console: "/" search by number, "n" new work
// order, "j"/"k" move through the queue, "g" then "q"/"b"/"s" for queue, board, SLA.
(function () {
  var pendingG = false;
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#rows tbody a[href*='/work-orders/']")); }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) { return; }
    var go = function (path) { window.location.href = path; };
    if (pendingG) {
      pendingG = false;
      if (e.key === "q") { go("/console/"); } else if (e.key === "b") { go("/console/board/"); } else if (e.key === "s") { go("/console/sla/"); }
      return;
    }
    if (e.key === "g") { pendingG = true; return; }
    if (e.key === "/") { var f = document.getElementById("f-number"); if (f) { e.preventDefault(); f.focus(); } return; }
    if (e.key === "n") { go("/console/new/"); return; }
    if (e.key === "j" || e.key === "k") {
      var links = rows(); if (!links.length) { return; }
      var i = links.indexOf(document.activeElement);
      i = e.key === "j" ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
      links[i].focus(); e.preventDefault();
    }
  });
})();
