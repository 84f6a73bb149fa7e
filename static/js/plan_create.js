// The new-plan page: only the fields of the way chosen (blank, plan file, copy) are shown.
// Without this script every group is shown, and the server reads only the chosen one's.
(function () {
  "use strict";
  var form = document.getElementById("plan-create-form");
  if (!form) { return; }
  var radios = form.querySelectorAll("input[name='how']");

  function show() {
    radios.forEach(function (radio) {
      var group = document.getElementById("how-" + radio.value);
      if (group) { group.hidden = !radio.checked; }
    });
  }

  radios.forEach(function (radio) { radio.addEventListener("change", show); });
  show();
}());
