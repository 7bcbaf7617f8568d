// Deal board: drag a card onto another column to move the deal.
// The drop fills the card's own "move to" form and submits it, so drag and
// drop and the keyboard way share one request (htmx posts it, with the CSRF
// header from <body hx-headers>; without htmx the form posts normally).
(function () {
  "use strict";

  function submitMove(card, stageId) {
    var form = card.querySelector("[data-move-form]");
    if (!form) return;
    var select = form.querySelector("select[name=stage]");
    if (!select || select.value === stageId) return;
    select.value = stageId;
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-board] [data-deal]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-deal"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".is-drop-target").forEach(function (el) {
      el.classList.remove("is-drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest("[data-board] [data-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("is-drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = event.target.closest && event.target.closest("[data-board] [data-stage]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-board] [data-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("is-drop-target");
    submitMove(dragged, column.getAttribute("data-stage"));
  });
})();
