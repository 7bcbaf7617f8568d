/* Interlock — the little JavaScript the pages use. Loaded with `defer`; no inline code
   anywhere (the Content-Security-Policy forbids it). Every page also works without it. */
(function () {
  "use strict";

  var root = document.documentElement;
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Phone-size navigation: the menu button shows and hides the navigation.
  function setUpNavToggle() {
    var button = document.querySelector(".nav-toggle");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!button || !nav) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("is-open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("is-open");
        button.focus();
      }
    });
  }

  // The user menu is a <details>: close it on Escape and on a click elsewhere.
  function setUpMenus() {
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.open = false; }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
        menu.open = false;
        var summary = menu.querySelector("summary");
        if (summary) { summary.focus(); }
      });
    });
  }

  // Copy buttons: <button data-copy="id-of-input" data-copied-text="Copied">.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  function setUpCopyButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-copy]");
      if (!button) { return; }
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var label = button.textContent;
      copyText(source.value || source.textContent).then(function () {
        button.textContent = button.getAttribute("data-copied-text") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        source.select();
      });
    });
  }

  // htmx: an answer that is not swapped (403, 500, network) still tells the user.
  function setUpHtmxErrors() {
    document.body.addEventListener("htmx:responseError", function (event) {
      showFlash(event.detail.xhr.status === 403 ? root.dataset.msgForbidden : root.dataset.msgError);
    });
    document.body.addEventListener("htmx:sendError", function () {
      showFlash(root.dataset.msgOffline);
    });
  }

  function showFlash(text) {
    var area = document.getElementById("flash");
    if (!area || !text) { return; }
    var list = document.createElement("ul");
    list.className = "messages";
    var item = document.createElement("li");
    item.className = "message message--error";
    item.setAttribute("role", "alert");
    item.textContent = text;
    list.appendChild(item);
    area.replaceChildren(list);
  }

  ready(function () {
    setUpNavToggle();
    setUpMenus();
    setUpCopyButtons();
    setUpHtmxErrors();
  });
})();
