// The ledger's sorting and filtering. The table is complete without this script: it only
// shows the controls, turns the column headings into sort buttons and hides rows. Sorting
// or filtering works on every row, so it opens the ledger's "show all". It reads
// the rows' data attributes and writes text only (never HTML), so nothing it shows can run.
(function () {
  "use strict";
  var table = document.getElementById("ledger");
  var controls = document.getElementById("ledger-controls");
  if (!table || !controls) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, index) {
    row.dataset.order = String(index);
  });
  var fileInput = document.getElementById("ledger-file");
  var ruleSelect = document.getElementById("ledger-rule");
  var status = document.getElementById("ledger-status");
  var showAll = document.getElementById("ledger-all");

  function showEveryRow() {
    if (showAll) {
      showAll.open = true;
    }
  }
  var numeric = { units: true, points: true };
  var sorted = { key: "points", descending: true };

  function filter() {
    var needle = fileInput.value.trim().toLowerCase();
    var rule = ruleSelect.value;
    var shown = 0;
    if (needle || rule) {
      showEveryRow();
    }
    var points = 0;
    rows.forEach(function (row) {
      var visible = (!needle || row.dataset.path.toLowerCase().indexOf(needle) !== -1) &&
        (!rule || row.dataset.rule === rule);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
        points += parseFloat(row.dataset.points);
      }
    });
    status.textContent = shown === rows.length ? "" :
      shown + " of " + rows.length + " rows shown, " + points.toFixed(1) + " points";
  }

  function compare(key, descending) {
    return function (a, b) {
      var x = a.dataset[key];
      var y = b.dataset[key];
      var order = numeric[key] ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : (x > y ? 1 : 0));
      if (descending) {
        order = -order;
      }
      return order || parseInt(a.dataset.order, 10) - parseInt(b.dataset.order, 10);
    };
  }

  function sortBy(key, heading) {
    var descending = sorted.key === key ? !sorted.descending : numeric[key] === true;
    sorted = { key: key, descending: descending };
    showEveryRow();
    rows.slice().sort(compare(key, descending)).forEach(function (row) {
      body.appendChild(row);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    heading.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (heading) {
    var key = heading.dataset.sort;
    if (!key) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = heading.textContent;
    button.addEventListener("click", function () {
      sortBy(key, heading);
    });
    heading.textContent = "";
    heading.appendChild(button);
    if (key === sorted.key) {
      heading.setAttribute("aria-sort", "descending");
    }
  });
  fileInput.addEventListener("input", filter);
  ruleSelect.addEventListener("change", filter);
  controls.hidden = false;
  filter();
})();
