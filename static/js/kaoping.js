/* Behaviours any page may ask for with data- attributes, in place of inline script and
 * style, which the Content-Security-Policy does not allow:
 *   data-kp-confirm="question"  on a submit button: asks before the form is sent;
 *   data-kp-autosubmit          on a select: sends its form when the choice changes;
 *   data-kp-width="42"          on a progress bar: its width in percent, also in content
 *                               that htmx swaps in (set before the browser paints it). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-kp-confirm]");
    if (button && !window.confirm(button.getAttribute("data-kp-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-kp-autosubmit]") && field.form) {
      if (field.form.requestSubmit) {
        field.form.requestSubmit();
      } else {
        field.form.submit();
      }
    }
  });

  function widths() {
    document.querySelectorAll("[data-kp-width]").forEach(function (bar) {
      var value = parseFloat(bar.getAttribute("data-kp-width"));
      bar.style.width = (isNaN(value) ? 0 : Math.max(0, Math.min(100, value))) + "%";
    });
  }

  widths();
  document.addEventListener("htmx:afterSwap", widths);
  document.addEventListener("htmx:load", widths);
})();
