// Ngày Hội: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function messages() {
    var node = document.getElementById("i18n");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  // Suggestion boxes (an ARIA combobox over a listbox):
  //   <input type="search" data-locality-search data-results="LIST_ID" [data-within="CODE"]
  //          [data-fill="HIDDEN_INPUT_ID"] [data-submit]>
  //   <ul id="LIST_ID" class="suggestions" role="listbox" hidden></ul>
  // Localities come from /api/v1/localities; data-organization-search takes organizations from
  // /api/v1/organizations (data-within: a locality code). Choosing a locality without data-fill opens its page;
  // with data-fill the code (an organization's id) goes into the hidden input and the name into the box;
  // data-submit then submits the form. Typing again clears the hidden input. Arrows move, Enter chooses,
  // Escape closes the list and keeps what was typed.
  var SOURCES = {
    locality: {
      url: function (q, within) {
        return "/api/v1/localities?limit=10&q=" + encodeURIComponent(q) +
          (within ? "&within=" + encodeURIComponent(within) : "");
      },
      value: function (item) { return item.code; },
      name: function (item) { return item.full_name; },
      meta: function (item, text) { return ((text.levels || {})[item.level] || item.level) + " · " + item.code; },
      href: function (item) { return "/localities/" + encodeURIComponent(item.code); },
      empty: "noResults"
    },
    organization: {
      url: function (q, within) {
        return "/api/v1/organizations?q=" + encodeURIComponent(q) +
          (within ? "&locality=" + encodeURIComponent(within) : "");
      },
      value: function (item) { return String(item.id); },
      name: function (item) { return item.name; },
      meta: function (item) { return item.locality_name || item.locality_code || ""; },
      href: null,
      empty: "noOrganizations"
    }
  };

  function suggestionBox(input, source, text) {
    var list = document.getElementById(input.dataset.results);
    if (!list) return;
    var fill = input.dataset.fill ? document.getElementById(input.dataset.fill) : null;
    var submit = input.hasAttribute("data-submit");
    var timer = null, active = -1, controller = null, asked = "", chosen = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function isOpen() { return !list.hidden; }
    function options() { return list.querySelectorAll("[role=option]"); }
    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (el, i) { el.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(option) {
      close();
      if (fill) {
        fill.value = chosen = option.dataset.value;
        input.value = option.dataset.name;
        fill.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (source.href) {
        window.location.href = option.dataset.href;
        return;
      } else {
        input.value = option.dataset.name;
      }
      if (submit && input.form) {
        if (typeof input.form.requestSubmit === "function") input.form.requestSubmit();
        else input.form.submit();
      }
    }
    function message(key) {
      list.textContent = "";
      var li = document.createElement("li");
      li.className = "empty"; li.textContent = text[key] || "—";
      list.appendChild(li);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open();
    }
    function render(items) {
      if (!items.length) { message(source.empty); return; }
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.value = source.value(item);
        li.dataset.name = source.name(item);
        if (source.href) li.dataset.href = source.href(item);
        var name = document.createElement("span");
        name.className = "name"; name.textContent = source.name(item);
        li.appendChild(name);
        var meta = source.meta(item, text);
        if (meta) {
          var span = document.createElement("span");
          span.className = "muted"; span.textContent = " " + meta;
          li.appendChild(span);
        }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      open();
    }
    function run() {
      var q = input.value.trim();
      if (!q) { asked = ""; close(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      asked = q;
      fetch(source.url(q, input.dataset.within), { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (body) { if (input.value.trim() === q) render(body.items || []); })
        .catch(function (err) { if (err.name !== "AbortError") message("searchFailed"); });
    }

    input.addEventListener("input", function () {
      // The text no longer names what was chosen: forget the choice. A visible box (not the contract's hidden
      // input) is only cleared when it holds what this box put there.
      if (fill && fill.value && (fill.type === "hidden" || fill.value === chosen)) {
        fill.value = ""; chosen = null;
        fill.dispatchEvent(new Event("change", { bubbles: true }));
      }
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        // A search box would clear itself on Escape: keep the text, close the list.
        ev.preventDefault();
        clearTimeout(timer);
        if (controller) controller.abort();
        close();
      } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        if (!isOpen()) {
          if (options().length && input.value.trim() === asked) open(); else run();
          return;
        }
        highlight(active + (ev.key === "ArrowDown" ? 1 : -1));
      } else if (ev.key === "Enter" && isOpen()) {
        if (active >= 0) { ev.preventDefault(); choose(options()[active]); }
        else if (fill && !submit) ev.preventDefault(); // a picker inside a larger form: Enter does not send it
        else close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // The header's menu on a phone: a popover (it opens and closes without this file); keep aria-expanded true.
  function headerMenu() {
    var button = document.querySelector(".menu-button[aria-controls]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu || typeof menu.showPopover !== "function") return;
    button.setAttribute("aria-expanded", "false");
    menu.addEventListener("toggle", function (ev) {
      button.setAttribute("aria-expanded", ev.newState === "open" ? "true" : "false");
    });
    var wide = window.matchMedia("(min-width: 1100px)");
    var onWide = function () { if (wide.matches && menu.matches(":popover-open")) menu.hidePopover(); };
    if (wide.addEventListener) wide.addEventListener("change", onWide);
  }

  // Charts: the library is loaded only on a page that has one (<canvas data-chart="JSON_ID" data-label="…">).
  function withChartLibrary(text, then) {
    if (typeof window.Chart === "function") { then(); return; }
    if (!text.chartScript) return;
    var script = document.createElement("script");
    script.src = text.chartScript;
    script.addEventListener("load", then);
    document.head.appendChild(script);
  }

  function seasonChart(canvas) {
    var data;
    try { data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent); } catch (e) { return; }
    if (typeof window.Chart !== "function") return;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: canvas.dataset.label, data: data.values, backgroundColor: "#c8102e" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 10 } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var text = messages();
    headerMenu();
    document.querySelectorAll("[data-locality-search]").forEach(function (el) {
      suggestionBox(el, SOURCES.locality, text);
    });
    document.querySelectorAll("[data-organization-search]").forEach(function (el) {
      suggestionBox(el, SOURCES.organization, text);
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    var charts = document.querySelectorAll("canvas[data-chart]");
    if (charts.length) {
      withChartLibrary(text, function () { charts.forEach(seasonChart); });
    }
  });
})();
