/* Scheme editor: live weight sums. Each weight input names its table in data-weight; the
 * table's <output data-weight-sum="..."> shows the sum as you type, green at 100 and red
 * otherwise. The server checks the sums again on submit; this is only a guide. */
(function () {
  "use strict";

  function format(total) {
    // Two decimals at most, no trailing zeros: 100, 95.5, 33.33.
    return String(Math.round(total * 100) / 100);
  }

  function update(table) {
    var inputs = document.querySelectorAll('input[data-weight="' + table + '"]');
    var total = 0;
    var numeric = true;
    inputs.forEach(function (input) {
      var value = parseFloat(String(input.value).replace(",", "."));
      if (isNaN(value)) {
        numeric = false;
      } else {
        total += value;
      }
    });
    total = Math.round(total * 100) / 100;
    var ok = numeric && Math.abs(total - 100) < 0.005;
    document.querySelectorAll('[data-weight-sum="' + table + '"]').forEach(function (output) {
      output.textContent = numeric ? format(total) + "%" : "—";
      output.classList.toggle("text-success", ok);
      output.classList.toggle("text-danger", !ok);
    });
  }

  function tables() {
    var names = {};
    document.querySelectorAll("input[data-weight]").forEach(function (input) {
      names[input.getAttribute("data-weight")] = true;
    });
    return Object.keys(names);
  }

  document.addEventListener("input", function (event) {
    var table = event.target && event.target.getAttribute && event.target.getAttribute("data-weight");
    if (table) {
      update(table);
    }
  });

  function init() {
    tables().forEach(update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
