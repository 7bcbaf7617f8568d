// Lists: "select all on this page" also ticks the row boxes (the form works without
// this script too: the ticked "all" box sends every id of the page along).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches) return;
    var form = box.closest("[data-bulk-form]");
    if (!form) return;
    var all = form.querySelector("[data-select-all]");
    var rows = form.querySelectorAll("input[name=ids]");
    if (box.matches("[data-select-all]")) {
      rows.forEach(function (row) { row.checked = box.checked; });
    } else if (box.name === "ids" && all) {
      var ticked = Array.prototype.filter.call(rows, function (row) { return row.checked; });
      all.checked = ticked.length === rows.length;
    }
  });
})();
