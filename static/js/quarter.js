// The quarter page: propose each status as soon as a figure is typed, as the server will on
// save (goals/figures.py and goals/scoring.py), and keep a running total's two figures in step.
//
// A requirement's row (.requirement) carries data-kind (level, running_total, single, text)
// and, where its figure is held against a target, data-comparator, data-target and
// data-tolerance; a running total also data-previous-total, the sum before this quarter.
// A goal's card (section.goal) carries data-rule, data-required and data-carried (the statuses
// of its requirements not due this quarter). A part of a requirement has data-part-of.
//
// A status the script ticked follows the figure; one the reporter ticked stays, until they
// tick the proposed one again. While a number is half typed ("1." on the way to "1.100") the
// last proposal stands.
(function () {
  "use strict";
  var form = document.getElementById("quarter-form");
  if (!form) { return; }
  var english = document.documentElement.lang === "en";
  var decimal = english ? "." : ",";
  var thousands = english ? "," : ".";
  var labels = JSON.parse(form.dataset.statusLabels || "{}");
  var WORST_FIRST = ["red", "yellow", "green"];

  function parse(text) {
    text = text.replace(/[\s\u00a0\u202f]/g, "");
    var negative = /^[-\u2212]/.test(text);
    text = text.replace(/^[-+\u2212]/, "");
    var parts = text.split(decimal);
    if (parts.length > 2 || (parts.length === 2 && !/^\d+$/.test(parts[1]))) { return null; }
    var whole = parts[0];
    if (whole.indexOf(thousands) >= 0) {
      var groups = whole.split(thousands);
      if (!/^\d{1,3}$/.test(groups[0])) { return null; }
      for (var i = 1; i < groups.length; i++) {
        if (!/^\d{3}$/.test(groups[i])) { return null; }
      }
      whole = groups.join("");
    }
    if (!/^\d+$/.test(whole)) { return null; }
    var value = parseFloat(whole + "." + (parts[1] || "0"));
    return negative ? -value : value;
  }

  function format(value) {
    var negative = value < 0;
    var text = Math.abs(value).toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
    var split = text.split(".");
    var whole = split[0].replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
    return (negative ? "-" : "") + whole + (split[1] ? decimal + split[1] : "");
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

  function worst(statuses) {
    if (!statuses.length || statuses.indexOf("") >= 0) { return ""; }
    for (var i = 0; i < WORST_FIRST.length; i++) {
      if (statuses.indexOf(WORST_FIRST[i]) >= 0) { return WORST_FIRST[i]; }
    }
    return "";
  }

  // The status a goal's requirements' statuses give through its fulfilment rule.
  function goalStatus(rule, required, statuses) {
    if (!statuses.length || statuses.indexOf("") >= 0) { return ""; }
    if (rule === "at_least") {
      var bestFirst = statuses.slice().sort(function (a, b) {
        return WORST_FIRST.indexOf(b) - WORST_FIRST.indexOf(a);
      });
      return bestFirst[Math.min(required || statuses.length, statuses.length) - 1];
    }
    if (rule === "partial" && statuses.some(function (s) { return s !== statuses[0]; })) {
      return "yellow";
    }
    return worst(statuses);
  }

  function checkedValue(container) {
    var checked = container.querySelector("input[type=radio][name$='-status']:checked");
    return checked ? checked.value : "";
  }

  function showProposal(output, status) {
    if (!output) { return; }
    output.hidden = !status;
    if (status) {
      var badge = output.querySelector(".status");
      badge.className = "status status-" + status;
      badge.textContent = labels[status] || status;
    }
  }

  // The status radios of a row or a goal: the ticked one follows the proposal until the
  // reporter ticks another; ticking the proposed one again hands it back to the proposal.
  function follower(container, onChange) {
    var radios = container.querySelectorAll("input[type=radio][name$='-status']");
    var state = { proposed: null, chosen: false };
    radios.forEach(function (radio) {
      radio.addEventListener("change", function () {
        state.chosen = radio.checked && radio.value !== state.proposed;
        if (onChange) { onChange(); }
      });
    });
    return {
      // On load: a saved status other than the proposal is the reporter's own choice.
      start: function (status) {
        var ticked = checkedValue(container);
        state.proposed = status;
        state.chosen = Boolean(ticked) && ticked !== status;
      },
      follow: function (status) {
        if (!status) { return; }
        state.proposed = status;
        if (!state.chosen) {
          radios.forEach(function (radio) { radio.checked = radio.value === status; });
        }
      }
    };
  }

  function changed(row) {
    row.dispatchEvent(new Event("status-changed", { bubbles: true }));
  }

  form.querySelectorAll(".requirement[data-kind]").forEach(function (row) {
    var amount = row.querySelector("input[name$='-result_value']");
    var status = follower(row, function () { changed(row); });
    if (!amount || amount.disabled || !row.dataset.target) { return; }
    var total = row.querySelector("input[name$='-ytd_value']");
    var compared = row.dataset.kind === "running_total" && total ? total : amount;
    var previous = parseFloat(row.dataset.previousTotal || "0");
    var output = row.querySelector(".live-proposal");
    var last = null;

    function update() {
      var value = parse(compared.value);
      if (value !== null) {
        last = propose(row, value);
      } else if (!compared.value.trim()) {
        last = null;
      }  // else half typed: the last proposal stands
      showProposal(output, last);
      status.follow(last);
      changed(row);
    }

    if (compared === total) {
      amount.addEventListener("input", function () {
        var value = parse(amount.value);
        if (value !== null) { total.value = format(previous + value); }
        else if (!amount.value.trim()) { total.value = ""; }
        update();
      });
      total.addEventListener("input", function () {
        var value = parse(total.value);
        if (value !== null) { amount.value = format(value - previous); }
        else if (!total.value.trim()) { amount.value = ""; }
        update();
      });
    } else {
      amount.addEventListener("input", update);
    }
    var start = parse(compared.value);
    last = start === null ? null : propose(row, start);
    status.start(last);
  });

  form.querySelectorAll("section.goal").forEach(function (goal) {
    var own = goal.querySelector(".goal-own");
    var rows = goal.querySelectorAll(".requirement");
    if (!own || !rows.length) { return; }
    var output = goal.querySelector(".goal-live-proposal");
    var carried = (goal.dataset.carried || "").split(" ").filter(Boolean);
    var required = parseInt(goal.dataset.required, 10);
    var status = follower(own);

    function proposal() {
      var statuses = [];
      var parts = {};
      rows.forEach(function (row) {
        var value = checkedValue(row);
        if (row.dataset.partOf) {
          (parts[row.dataset.partOf] = parts[row.dataset.partOf] || []).push(value);
        } else {
          statuses.push(value);
        }
      });
      Object.keys(parts).forEach(function (key) { statuses.push(worst(parts[key])); });
      return goalStatus(goal.dataset.rule, required, statuses.concat(carried));
    }

    status.start(proposal());
    goal.addEventListener("status-changed", function () {
      var proposed = proposal();
      showProposal(output, proposed);
      status.follow(proposed);
    });
  });
})();
