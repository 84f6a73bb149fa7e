// The plan editor: a requirement's fields follow its measure, and rows are reordered by drag.
// Everything works without it: every field is on the page, and the Op/Ned buttons move rows.
(function () {
  "use strict";

  // Show only the fields of the chosen measure ("text" when none is chosen).
  function followMeasure(form) {
    var select = form.querySelector("select[name=measure]");
    if (!select) return;
    var measure = select.value || "text";
    form.querySelectorAll("[data-measures]").forEach(function (field) {
      var wanted = field.getAttribute("data-measures").split(" ");
      var show = wanted.indexOf(measure) !== -1;
      // A field with a message stays in view, so the message is never hidden.
      if (field.querySelector(".is-invalid")) show = true;
      field.hidden = !show;
    });
    var hint = form.querySelector(".measure-hint");
    if (hint) hint.hidden = true;
  }

  function init(root) {
    root.querySelectorAll("form.edit-form").forEach(followMeasure);
    if (root.matches && root.matches("form.edit-form")) followMeasure(root);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("form.edit-form select[name=measure]")) {
      followMeasure(event.target.form);
    }
  });

  // -- drag and drop: a row is dragged by its handle within its own list --
  var dragged = null;

  function csrfToken() {
    var input = document.querySelector("#editor-body input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function replaceBody(html) {
    var body = document.getElementById("editor-body");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#editor-body");
    if (!body || !fresh) {
      window.location.reload();
      return;
    }
    body.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    init(fresh);
  }

  function saveOrder(list) {
    var data = new FormData();
    list.querySelectorAll(":scope > .reorder-item").forEach(function (item) {
      data.append("order", item.getAttribute("data-pk"));
    });
    data.append("csrfmiddlewaretoken", csrfToken());
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      body: data,
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.text(); })
      .then(replaceBody)
      .catch(function () { window.location.reload(); });
  }

  document.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) return;
    dragged = handle.closest(".reorder-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-pk"));
    event.dataTransfer.setDragImage(dragged, 10, 10);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    // The row of the dragged one's own list that the pointer is over (a goal's requirement
    // belongs to its goal's row).
    var item = event.target.closest && event.target.closest(".reorder-item");
    while (item && item.parentElement !== dragged.parentElement) {
      item = item.parentElement.closest(".reorder-item");
    }
    if (!item || item === dragged) return;
    event.preventDefault();
    // Above or below the row's own card (its requirements hang under it).
    var box = (item.querySelector(".edit-card") || item).getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    item.parentElement.insertBefore(dragged, after ? item.nextSibling : item);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("dragging");
    dragged = null;
    if (list && list.hasAttribute("data-reorder-url")) saveOrder(list);
  });

  document.addEventListener("htmx:load", function (event) { init(event.target); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
