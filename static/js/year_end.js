// The year-end page: the verdict a goal's fulfilment rule gives, updated as the reviewer
// ticks each requirement met or not, as the server computes it on save (goals.scoring).
(function () {
  "use strict";
  var form = document.getElementById("year-end-form");
  if (!form) { return; }
  var labels = JSON.parse(form.dataset.verdicts || "{}");

  function verdict(rule, required, mets) {
    if (!mets.length || mets.indexOf(null) >= 0) { return ""; }
    var met = mets.filter(function (m) { return m; }).length;
    if (rule === "at_least") { return met >= (required || mets.length) ? "met" : "not_met"; }
    if (met === mets.length) { return "met"; }
    return rule === "partial" && met > 0 ? "partly_met" : "not_met";
  }

  form.querySelectorAll("section.goal").forEach(function (goal) {
    var selects = goal.querySelectorAll("select[name^='met_']");
    var output = goal.querySelector(".rule-value");
    if (!output || !selects.length) { return; }
    function update() {
      var mets = Array.prototype.map.call(selects, function (select) {
        return select.value === "" ? null : select.value === "yes";
      });
      output.textContent = labels[verdict(goal.dataset.rule, parseInt(goal.dataset.required, 10), mets)];
    }
    selects.forEach(function (select) { select.addEventListener("change", update); });
  });
})();
