// Self check-in (templates/checkin/self.html): lists the tickets of this festival day that this phone keeps
// (static/js/ticket.js stores them in localStorage under "ngayhoi.tickets" when a ticket page is viewed), each with
// an "I am here" button that posts its code. Without any, only the phone-number form is shown.
(function () {
  "use strict";

  var KEY = "ngayhoi.tickets";
  var box = document.querySelector("[data-self-tickets]");
  if (!box) return;

  var stored = [];
  try { stored = JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { stored = []; }
  if (!Array.isArray(stored)) return;

  var festival = box.getAttribute("data-festival");
  var mine = stored.filter(function (ticket) {
    return ticket && typeof ticket.code === "string" && String(ticket.festival) === festival;
  });
  if (!mine.length) return;

  var template = box.querySelector("[data-ticket-template]");
  var list = box.querySelector("[data-list]");
  mine.forEach(function (ticket) {
    var item = template.content.cloneNode(true);
    item.querySelector('input[name="code"]').value = ticket.code;
    item.querySelector("[data-name]").textContent = ticket.name || "";
    item.querySelector("[data-title]").textContent = ticket.title || "";
    list.appendChild(item);
  });
  box.hidden = false;
  // One tap: a second tap while the first is on its way sends nothing more.
  box.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button");
    if (button.disabled) { event.preventDefault(); return; }
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
