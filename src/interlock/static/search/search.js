/* Interlock search: keyboard type-ahead for the navigation's search box.
   htmx fills the listbox (GET /search/suggest/); this file shows it and lets
   the arrow keys, Enter and Escape work it (ARIA combobox pattern). Without
   JavaScript the box is a plain GET form to the results page. */
(function () {
  "use strict";

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }

  function setActive(input, list, index) {
    var all = options(list);
    all.forEach(function (option, i) {
      var on = i === index;
      option.setAttribute("aria-selected", on ? "true" : "false");
      option.classList.toggle("is-active", on);
      if (on) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
    if (index < 0) { input.removeAttribute("aria-activedescendant"); }
  }

  function activeIndex(list) {
    return options(list).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function open(input, list, show) {
    var visible = show && options(list).length > 0;
    list.hidden = !visible;
    input.setAttribute("aria-expanded", visible ? "true" : "false");
    if (!visible) { setActive(input, list, -1); }
  }

  function setUp(box) {
    var input = box.querySelector("[role=combobox]");
    var list = input && document.getElementById(input.getAttribute("aria-controls"));
    if (!input || !list) { return; }

    list.addEventListener("htmx:afterSwap", function () {
      setActive(input, list, -1);
      open(input, list, document.activeElement === input && input.value.trim().length > 1);
    });
    input.addEventListener("input", function () {
      if (input.value.trim().length < 2) { open(input, list, false); }
    });
    input.addEventListener("keydown", function (event) {
      var all = options(list);
      var index = activeIndex(list);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) { return; }
        event.preventDefault();
        if (list.hidden) { open(input, list, true); }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = index + step;
        if (next >= all.length) { next = 0; }
        if (next < 0) { next = all.length - 1; }
        setActive(input, list, next);
      } else if (event.key === "Enter" && !list.hidden && index >= 0) {
        var link = all[index].querySelector("a");
        if (link) {
          event.preventDefault();
          window.location.assign(link.href);
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        event.stopPropagation();
        open(input, list, false);
      }
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length > 1) { open(input, list, true); }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) { open(input, list, false); }
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    document.querySelectorAll("[data-search-box]").forEach(setUp);
  });
})();
