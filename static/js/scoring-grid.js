/* Scoring grid: each cell is an <input data-cell> carrying its indicator, rater group and
 * the version of the entry it shows (data-version, empty for a new entry). Enter and the
 * arrow keys move between cells; a changed cell is saved on blur or Enter by POSTing to the
 * table's data-save-url with that version. The server answers {version, value}, or
 * 400/409 {error}; a 409 means someone else saved first, and nothing was overwritten.
 * Each cell's "Evidence" button uploads a file with the cell's value; the answer's
 * {evidence: {name, url}} becomes the link under the cell. */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function statusFor(input) {
    return input.parentNode.querySelector("[data-cell-status]");
  }

  function show(input, state, text) {
    var status = statusFor(input);
    input.classList.toggle("is-valid", state === "saved");
    input.classList.toggle("is-invalid", state === "error" || state === "conflict");
    input.setAttribute("aria-invalid", state === "error" || state === "conflict" ? "true" : "false");
    if (!status) {
      return;
    }
    status.textContent = "";
    var badge = document.createElement("span");
    var classes = {
      saving: "text-secondary",
      saved: "text-success",
      error: "text-danger",
      conflict: "text-danger fw-semibold",
      missing: "badge text-bg-warning",
    };
    badge.className = classes[state] || "";
    badge.textContent = text;
    if (state === "missing") {
      badge.setAttribute("data-missing", "");
    }
    status.appendChild(badge);
  }

  function updateMissing(table) {
    var counter = document.querySelector("[data-missing-count]");
    if (!counter) {
      return;
    }
    var missing = table.querySelectorAll("[data-missing]").length;
    // The count's words come from the server; only the number changes here.
    counter.textContent = counter.textContent.replace(/\d+/, String(missing));
    counter.classList.toggle("text-bg-warning", missing > 0);
    counter.classList.toggle("text-bg-success", missing === 0);
  }

  function showEvidence(input, evidence) {
    var link = input.closest("td").querySelector("[data-evidence-link]");
    if (!link || !evidence) {
      return;
    }
    link.textContent = "";
    var anchor = document.createElement("a");
    anchor.href = evidence.url;
    anchor.className = "text-break";
    anchor.textContent = evidence.name;
    link.appendChild(anchor);
  }

  // Saves the cell's value; with ``file``, attaches it as the entry's evidence (the value
  // is sent again, since evidence belongs to a score).
  function save(input, file) {
    var table = input.closest("[data-scoring-grid]");
    var value = input.value.trim().replace(",", ".");
    if (input.getAttribute("data-busy")) {
      if (file) {
        // The value is still being saved (the cell lost focus to the button): wait for it.
        window.setTimeout(function () {
          save(input, file);
        }, 300);
      }
      return;
    }
    if (!file && value === (input.getAttribute("data-saved") || "")) {
      return;
    }
    if (value === "") {
      if (file) {
        show(input, "error", table.getAttribute("data-msg-value-first"));
      }
      return; // an entry is never deleted from the grid
    }
    var body = new FormData();
    if (file) {
      body.append("evidence", file);
    }
    body.append("indicator", input.getAttribute("data-indicator"));
    body.append("rater_group", input.getAttribute("data-group"));
    body.append("value", value);
    var version = input.getAttribute("data-version");
    if (version) {
      body.append("expected_version", version);
    }
    input.setAttribute("data-busy", "1");
    show(input, "saving", table.getAttribute("data-msg-saving"));
    fetch(table.getAttribute("data-save-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        // A server error answers with a page, not JSON: the cell is "not saved", and the
        // server was reached.
        return response.json().then(
          function (data) {
            return { status: response.status, data: data };
          },
          function () {
            return { status: response.status, data: {} };
          }
        );
      })
      .then(function (answer) {
        if (answer.status === 200) {
          input.setAttribute("data-version", String(answer.data.version));
          input.setAttribute("data-saved", answer.data.value);
          input.value = answer.data.value;
          showEvidence(input, answer.data.evidence);
          show(input, "saved", table.getAttribute("data-msg-saved"));
          updateMissing(table);
        } else {
          var kind = answer.status === 409 ? "conflict" : "error";
          var label = table.getAttribute(kind === "conflict" ? "data-msg-conflict" : "data-msg-error");
          show(input, kind, label + ": " + (answer.data.error || ""));
        }
      })
      .catch(function () {
        show(input, "error", table.getAttribute("data-msg-network"));
      })
      .then(function () {
        input.removeAttribute("data-busy");
      });
  }

  function cellAt(table, row, col) {
    return table.querySelector('[data-cell][data-row="' + row + '"][data-col="' + col + '"]');
  }

  function move(input, dRow, dCol) {
    var table = input.closest("[data-scoring-grid]");
    var row = parseInt(input.getAttribute("data-row"), 10);
    var col = parseInt(input.getAttribute("data-col"), 10);
    var rows = table.querySelectorAll("tbody tr").length;
    // Skip the cells a group does not rate: walk until a cell exists or the table ends.
    for (var step = 1; step <= rows + 20; step += 1) {
      var target = cellAt(table, row + dRow * step, col + dCol * step);
      if (target) {
        target.focus();
        target.select();
        return;
      }
      if (row + dRow * step < 0 || row + dRow * step >= rows || col + dCol * step < 0) {
        return;
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-scoring-grid] [data-cell]")) {
      return;
    }
    var moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0] };
    // Left and right move only from the ends of the text, so the caret still works inside it.
    if (event.key === "ArrowLeft" && input.selectionStart === 0) {
      moves.ArrowLeft = [0, -1];
    }
    if (event.key === "ArrowRight" && input.selectionEnd === input.value.length) {
      moves.ArrowRight = [0, 1];
    }
    var delta = moves[event.key];
    if (!delta) {
      return;
    }
    event.preventDefault();
    if (event.key === "Enter") {
      save(input);
    }
    move(input, delta[0], delta[1]);
  });

  document.addEventListener(
    "blur",
    function (event) {
      var input = event.target;
      if (input.matches && input.matches("[data-scoring-grid] [data-cell]")) {
        save(input);
      }
    },
    true
  );

  // Evidence: the visible button opens the cell's hidden file input (keyboard: Enter or
  // Space on the button); choosing a file uploads it with the cell's value.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-scoring-grid] [data-evidence-button]");
    if (button) {
      button.closest("td").querySelector("[data-cell-evidence]").click();
    }
  });

  document.addEventListener("change", function (event) {
    var picker = event.target;
    if (!picker.matches || !picker.matches("[data-scoring-grid] [data-cell-evidence]")) {
      return;
    }
    var file = picker.files && picker.files[0];
    var cell = picker.closest("td").querySelector("[data-cell]");
    if (file && cell) {
      save(cell, file);
    }
    picker.value = "";
    picker.closest("td").querySelector("[data-evidence-button]").focus();
  });

  function init() {
    document.querySelectorAll("[data-scoring-grid] [data-cell]").forEach(function (input) {
      input.setAttribute("data-saved", input.value.trim());
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
