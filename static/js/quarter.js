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
//
// It also keeps the page light to fill in: the reason box ([data-reason-box]) only while the
// chosen status differs from the proposed one (data-proposed on the row or .goal-own), or it
// has text or a message; the count of requirements filled in (#quarter-progress, and per goal
// .goal-progress), counted as goals.figures.is_filled counts; goals folded away and unfolded
// (.fold-toggle, .fold-all; a goal with a message, data-has-errors, stays open); and a goal's
// cause, consequence and action fetched from the previous quarter (.carry-over) into the
// boxes that are empty, never over what was typed. Folded goals are remembered for the page
// in the tab (sessionStorage), so a save does not unfold them. Without the script all of it
// stays open.
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
      row.dataset.proposed = last || "";
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
    own.dataset.proposed = proposal();
    goal.addEventListener("status-changed", function () {
      var proposed = proposal();
      showProposal(output, proposed);
      status.follow(proposed);
      own.dataset.proposed = proposed;
      reasons.forEach(function (update) { update(); });
    });
  });

  // --- The reason box, only when the chosen status differs from the proposed one. --------
  var reasons = [];
  form.querySelectorAll("[data-reason-box]").forEach(function (box) {
    var container = box.closest(".requirement, .goal-own");
    var text = box.querySelector("textarea");
    if (!container || !text) { return; }
    function update() {
      var proposed = container.dataset.proposed || "";
      var chosen = checkedValue(container);
      var needed = Boolean(text.value.trim()) || Boolean(box.querySelector(".is-invalid")) ||
        Boolean(proposed && chosen && chosen !== proposed);
      box.hidden = !needed;
    }
    container.addEventListener("change", update);
    container.addEventListener("status-changed", update);
    box.hidden = box.dataset.reasonShown !== "true";
    reasons.push(update);
  });

  // --- How many requirements are filled in, on the page and per goal. ---------------------
  function has(row, selector) {
    return Array.prototype.some.call(row.querySelectorAll(selector), function (field) {
      return field.value.trim() !== "";
    });
  }

  // As goals.figures.is_filled: a number where one is asked, else a text or a status.
  function pieceFilled(row) {
    if (row.dataset.kind !== "text") {
      return has(row, "input[name$='-result_value'], input[name$='-ytd_value']");
    }
    return has(row, "textarea[name$='-result_text']") || Boolean(checkedValue(row));
  }

  function requirementsOf(scope) {
    var found = [];
    scope.querySelectorAll(".requirement:not([data-part-of]), .requirement-parts").forEach(
      function (element) { found.push(element); });
    return found;
  }

  function filled(element) {
    if (element.classList.contains("requirement-parts")) {
      var parts = element.querySelectorAll(".requirement");
      return parts.length > 0 && Array.prototype.every.call(parts, pieceFilled);
    }
    return pieceFilled(element);
  }

  function setCount(holder, count) {
    var output = holder && holder.querySelector(".filled-count");
    if (output && output.textContent !== String(count)) { output.textContent = String(count); }
  }

  function updateProgress() {
    var total = 0;
    form.querySelectorAll("section.goal").forEach(function (goal) {
      var count = requirementsOf(goal).filter(filled).length;
      setCount(goal.querySelector(".goal-progress"), count);
      total += count;
    });
    var progress = document.getElementById("quarter-progress");
    setCount(progress, total);
    var bar = progress && progress.querySelector("progress");
    if (bar) { bar.value = total; }
  }
  form.addEventListener("input", updateProgress);
  form.addEventListener("change", updateProgress);

  // --- Goals fold away and unfold. ---------------------------------------------------------
  function setFolded(goal, folded) {
    var button = goal.querySelector(".fold-toggle");
    if (!button || (folded && goal.hasAttribute("data-has-errors"))) { return; }
    var body = document.getElementById(button.getAttribute("aria-controls"));
    var word = button.querySelector(".fold-word");
    body.hidden = folded;
    button.setAttribute("aria-expanded", String(!folded));
    word.textContent = folded ? word.dataset.closed : word.dataset.open;
    goal.classList.toggle("folded", folded);
  }
  // The goals folded away are remembered for this quarter's page in this tab, so they stay
  // folded after a save; a goal with a message opens all the same.
  var memory = "mrplan-folded:" + window.location.pathname;
  function remembered() {
    try { return JSON.parse(window.sessionStorage.getItem(memory) || "[]"); }
    catch (error) { return []; }
  }
  function remember() {
    var folded = [];
    goals.forEach(function (goal) { if (goal.classList.contains("folded")) { folded.push(goal.id); } });
    try { window.sessionStorage.setItem(memory, JSON.stringify(folded)); }
    catch (error) { /* storage refused: folding still works for this visit */ }
  }
  var goals = form.querySelectorAll("section.goal");
  var wasFolded = remembered();
  goals.forEach(function (goal) {
    var button = goal.querySelector(".fold-toggle");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      setFolded(goal, button.getAttribute("aria-expanded") === "true");
      remember();
    });
    if (wasFolded.indexOf(goal.id) >= 0) { setFolded(goal, true); }
  });
  var foldAll = form.querySelector(".fold-all");
  if (foldAll && goals.length) {
    foldAll.hidden = false;
    foldAll.querySelectorAll("button[data-fold]").forEach(function (button) {
      button.addEventListener("click", function () {
        var folded = button.dataset.fold === "all";
        goals.forEach(function (goal) { setFolded(goal, folded); });
        remember();
      });
    });
  }

  // --- Cause, consequence and action from the previous quarter, into the empty boxes. -----
  form.querySelectorAll(".carry-over").forEach(function (button) {
    var own = button.closest(".goal-own");
    var line = button.closest(".carry-over-line");
    var result = line.querySelector(".carry-over-result");
    line.hidden = false;
    button.addEventListener("click", function () {
      var done = [];
      var kept = [];
      ["cause", "consequence", "action"].forEach(function (name) {
        var value = button.dataset[name];
        var box = own.querySelector("textarea[name$='-" + name + "']");
        if (!value || !box) { return; }
        var label = own.querySelector("label[for='" + box.id + "']");
        var word = label ? label.textContent.trim() : name;
        if (box.value.trim()) {
          if (box.value.trim() !== value.trim()) { kept.push(word); }
          return;
        }
        box.value = value;
        box.dispatchEvent(new Event("input", { bubbles: true }));
        done.push(word);
      });
      var said = done.length ? button.dataset.done.replace("%s", done.join(", ")) : button.dataset.nothing;
      if (kept.length) { said += " " + button.dataset.kept.replace("%s", kept.join(", ")); }
      result.textContent = said;
      reasons.forEach(function (update) { update(); });
    });
  });
})();
