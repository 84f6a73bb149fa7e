// The quarter page: propose a status as soon as a number is typed, as the server will on save.
// Each numeric requirement row carries data-comparator, data-target and data-tolerance.
(function () {
  "use strict";
  var form = document.getElementById("quarter-form");
  if (!form) { return; }
  var english = document.documentElement.lang === "en";
  var decimal = english ? "." : ",";
  var thousands = english ? "," : ".";
  var labels = JSON.parse(form.dataset.statusLabels || "{}");

  function parse(text) {
    text = text.replace(/[\s\u00a0\u202f]/g, "");
    var parts = text.split(decimal);
    if (parts.length > 2 || (parts.length === 2 && !/^\d+$/.test(parts[1]))) { return null; }
    var whole = parts[0].replace(/^[-+\u2212]/, "");
    if (whole.indexOf(thousands) >= 0) {
      if (!/^\d{1,3}(\.\d{3})+$/.test(whole.split(thousands).join("."))) { return null; }
      whole = whole.split(thousands).join("");
    }
    if (!/^\d+$/.test(whole)) { return null; }
    var value = parseFloat(whole + "." + (parts[1] || "0"));
    return /^[-\u2212]/.test(parts[0]) ? -value : value;
  }

  function propose(row, value) {
    var target = parseFloat(row.dataset.target);
    var margin = Math.abs(target) * parseFloat(row.dataset.tolerance) / 100;
    var comparator = row.dataset.comparator;
    var met = comparator === "at_most" ? value <= target
      : comparator === "within" ? Math.abs(value) <= target : value >= target;
    if (met) { return "green"; }
    var close = comparator === "at_most" ? value <= target + margin
      : comparator === "within" ? Math.abs(value) <= target + margin : value >= target - margin;
    return close ? "yellow" : "red";
  }

  form.querySelectorAll("[data-comparator]").forEach(function (row) {
    var input = row.querySelector("input[name$='-result_value']");
    var output = row.querySelector(".live-proposal");
    if (!input || !output || input.disabled) { return; }
    var proposed = null;
    input.addEventListener("input", function () {
      var value = parse(input.value);
      var checked = row.querySelector("input[name$='-status']:checked");
      var status = value === null ? null : propose(row, value);
      output.hidden = status === null;
      if (status !== null) {
        output.querySelector(".status").className = "status status-" + status;
        output.querySelector(".status").textContent = labels[status] || status;
      }
      // Follow the proposal unless the reporter chose a status of their own.
      if (status && (!checked || checked.value === proposed)) {
        var radio = row.querySelector("input[name$='-status'][value='" + status + "']");
        if (radio) { radio.checked = true; }
      }
      proposed = status;
    });
  });
})();
