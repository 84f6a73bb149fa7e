// The quarter read as a document: the bar's steps (approve, return, reopen, withdraw) are
// <details> that work without this script. With it, opening one step closes the others and
// puts the cursor where the user acts next: the comment box, or the confirming button.
(function () {
  "use strict";
  var bar = document.getElementById("quarter-bar");
  if (!bar) { return; }
  var steps = bar.querySelectorAll("details.bar-step");
  steps.forEach(function (step) {
    step.addEventListener("toggle", function () {
      if (!step.open) { return; }
      steps.forEach(function (other) { if (other !== step) { other.open = false; } });
      var target = step.querySelector("textarea") || step.querySelector("button[type=submit]");
      if (target) { target.focus(); }
    });
  });
}());
