// The ticket page's buttons that need a browser feature: copy the link, share it (Web Share API), print.
// Without JavaScript they stay hidden, and the link can still be selected in its box and copied by hand.
(function () {
  "use strict";

  function linkOf(button) {
    var box = document.querySelector(button.getAttribute("data-copy") || button.getAttribute("data-share"));
    return box ? box.value : window.location.href;
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(linkOf(button)).then(function () {
        var label = button.textContent;
        button.textContent = button.getAttribute("data-copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  document.querySelectorAll("[data-share]").forEach(function (button) {
    if (!navigator.share) return;
    button.hidden = false;
    var ticket = button.closest("[data-share-title]");
    button.addEventListener("click", function () {
      navigator.share({ title: ticket ? ticket.getAttribute("data-share-title") : document.title, url: linkOf(button) })
        .catch(function () { /* the person closed the share sheet */ });
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var box = document.getElementById("ticket-url");
  if (box) box.addEventListener("focus", function () { box.select(); });
})();

// Self check-in: this phone keeps the tickets it has shown (their QR text, name and title, in localStorage and
// nowhere else), so that the venue poster's page can check them in with one tap (static/js/checkin-self.js). A
// ticket that no longer has a code (cancelled, waiting) is forgotten when its page is viewed.
(function () {
  "use strict";

  var KEY = "ngayhoi.tickets";
  var MAX = 10;
  var page = document.querySelector("[data-ticket-page]");
  if (!page) return;
  try {
    var stored = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    if (!Array.isArray(stored)) stored = [];
    var id = page.getAttribute("data-ticket-page");
    stored = stored.filter(function (ticket) { return ticket && ticket.id !== id; });
    var code = page.getAttribute("data-ticket-code");
    if (code) {
      stored.unshift({
        id: id,
        code: code,
        name: page.getAttribute("data-ticket-name") || "",
        title: page.getAttribute("data-ticket-title") || "",
        festival: page.getAttribute("data-ticket-festival") || "",
      });
    }
    window.localStorage.setItem(KEY, JSON.stringify(stored.slice(0, MAX)));
  } catch (e) {
    // No localStorage (private mode, storage full): self check-in then asks for the phone number.
  }
})();
