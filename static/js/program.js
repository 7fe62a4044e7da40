// Ngày Hội: the organizer's program pages. Every form works without this file (plain POSTs); with it:
//  - an item's times save in place ([data-times] forms, JSON answer {ok, item, warnings, errors});
//  - Move up / Move down ([data-move] forms) reorder without a reload and keep the focus on the moved item;
//  - items are dragged within their part (ol[data-reorder] > li[draggable]); the new order is posted as JSON;
//  - on the item form, choosing a kind fills an empty title with the kind's name and picks its part;
//  - buttons with data-confirm ask first.
(function () {
  "use strict";

  function texts() {
    var node = document.getElementById("program-i18n");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }
  var T = texts();

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function post(url, body, isJson) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrfToken() };
    if (isJson) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: "POST", body: isJson ? JSON.stringify(body) : body, headers: headers, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; });
    });
  }

  function errorText(errors) {
    var out = [];
    Object.keys(errors || {}).forEach(function (name) { out = out.concat(errors[name]); });
    return out.join(" ");
  }

  // --- times edited in place --------------------------------------------------------------------------------
  function timesForm(form) {
    var result = form.querySelector(".times-result");
    function show(text, kind) {
      if (!result) return;
      result.textContent = text;
      result.className = "times-result" + (kind ? " " + kind : "");
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      show("", "");
      post(form.action, new FormData(form), false).then(function (answer) {
        var data = answer.data;
        if (!data) { show(T.failed, "error"); return; }
        if (data.item) {
          form.querySelector("[name=start]").value = data.item.start;
          form.querySelector("[name=end]").value = data.item.end;
          form.querySelector("[name=version]").value = data.item.version;
        }
        if (data.ok) {
          var warnings = data.warnings || [];
          show([T.saved].concat(warnings.map(function (w) { return "⚠ " + w; })).join(" "), warnings.length ? "warning" : "ok");
          var li = form.closest(".program-item");
          if (li && !warnings.length) {
            li.classList.remove("has-conflict");
            li.querySelectorAll(".conflict-note").forEach(function (note) { note.remove(); });
          }
        } else if (answer.status === 409 && data.code === "stale_version") {
          show(T.stale, "error");
        } else {
          show(errorText(data.errors) || T.failed, "error");
        }
      }, function () { show(T.failed, "error"); }).then(function () {
        if (button) button.disabled = false;
      });
    });
  }

  // --- order ------------------------------------------------------------------------------------------------
  function refreshButtons(list) {
    var items = list.querySelectorAll(":scope > .program-item");
    items.forEach(function (li, index) {
      var up = li.querySelector("[data-move] button[value=up]");
      var down = li.querySelector("[data-move] button[value=down]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === items.length - 1;
    });
  }

  function announce(list, text) {
    var region = list.parentNode.querySelector(".order-status");
    if (!region) {
      region = document.createElement("p");
      region.className = "order-status visually-hidden";
      region.setAttribute("role", "status");
      list.parentNode.insertBefore(region, list);
    }
    region.textContent = text;
  }

  function moveForm(form) {
    var pressed = null;
    form.querySelectorAll("button[name=direction]").forEach(function (button) {
      button.addEventListener("click", function () { pressed = button; });
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter || pressed;
      if (!button) return;
      event.preventDefault();
      var li = form.closest(".program-item");
      var list = li.parentNode;
      var direction = button.value;
      var body = new FormData(form);
      body.append("direction", direction);
      post(form.action, body, false).then(function (answer) {
        if (!answer.data || !answer.data.ok) { announce(list, T.orderFailed); window.location.reload(); return; }
        if (direction === "up" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
        if (direction === "down" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
        refreshButtons(list);
        // The focus stays with the moved item: on the button pressed, or on the other one at either end.
        var same = li.querySelector("[data-move] button[value=" + direction + "]");
        var other = li.querySelector("[data-move] button[value=" + (direction === "up" ? "down" : "up") + "]");
        (same && !same.disabled ? same : other).focus();
        announce(list, direction === "up" ? T.movedUp : T.movedDown);
      }, function () { announce(list, T.orderFailed); });
    });
  }

  function sortable(list) {
    var dragged = null;
    list.querySelectorAll(":scope > .program-item").forEach(function (li) {
      // Typing or clicking inside an item's controls must not start a drag.
      li.addEventListener("mousedown", function (event) {
        li.draggable = !event.target.closest("input, select, textarea, button, a");
      });
      li.addEventListener("dragstart", function (event) {
        dragged = li;
        li.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.dataset.id);
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("dragging");
        li.draggable = true;
        dragged = null;
      });
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged || dragged.parentNode !== list) return;
      event.preventDefault();
      var target = event.target.closest(".program-item");
      if (!target || target === dragged || target.parentNode !== list) return;
      var box = target.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? target.nextElementSibling : target);
    });
    list.addEventListener("drop", function (event) {
      if (!dragged || dragged.parentNode !== list) return;
      event.preventDefault();
      var ids = Array.prototype.map.call(list.querySelectorAll(":scope > .program-item"), function (li) {
        return Number(li.dataset.id);
      });
      refreshButtons(list);
      post(list.dataset.reorder, { part: list.dataset.part, ids: ids }, true).then(function (answer) {
        if (!answer.data || !answer.data.ok) { announce(list, T.orderFailed); window.location.reload(); return; }
        announce(list, T.saved);
      }, function () { announce(list, T.orderFailed); });
    });
  }

  // --- the item form ----------------------------------------------------------------------------------------
  function kindFillsTitle(form) {
    var kind = form.querySelector("select[name=kind]");
    var title = form.querySelector("input[name=title]");
    var part = form.querySelector("select[name=part]");
    if (!kind || !title) return;
    function label() { var o = kind.options[kind.selectedIndex]; return o ? o.text : ""; }
    var previous = label();
    if (!title.value.trim() && !form.querySelector("[name=version]").value) title.value = previous;
    kind.addEventListener("change", function () {
      if (!title.value.trim() || title.value === previous) title.value = label();
      previous = label();
      var option = kind.options[kind.selectedIndex];
      var group = option && option.parentNode.tagName === "OPTGROUP" ? option.parentNode : null;
      if (part && group && option.value !== "other") {
        var index = Array.prototype.indexOf.call(kind.querySelectorAll("optgroup"), group);
        if (part.options[index]) part.selectedIndex = index;
      }
    });
  }

  function init() {
    document.querySelectorAll("form[data-times]").forEach(timesForm);
    document.querySelectorAll("form[data-move]").forEach(moveForm);
    document.querySelectorAll("ol[data-reorder]").forEach(sortable);
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("select[name=kind]") && form.querySelector("input[name=title]")) kindFillsTitle(form);
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-confirm]");
      if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
