// "Copy link" of the calendar subscribe box (templates/calendar/_subscribe.html): copies the feed's address and
// says so; where the clipboard is refused, selects the address for the visitor to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    var box = button.closest(".subscribe");
    var status = box && box.querySelector(".subscribe-status");
    if (!input) return;
    function done() {
      if (status) status.textContent = button.getAttribute("data-copied");
    }
    function fallback() {
      input.focus();
      input.select();
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, fallback);
    } else {
      fallback();
    }
  });
})();
