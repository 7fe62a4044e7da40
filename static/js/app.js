// Ngày Hội: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  function messages() {
    var node = document.getElementById("i18n");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  // Live, accent-insensitive locality search. <input data-locality-search data-results="ID"
  // [data-within="CODE"] [data-fill="INPUT_ID"]>: suggestions link to the unit's page, or, with
  // data-fill, put the chosen unit's code into another input.
  function localitySearch(input, text) {
    var list = document.getElementById(input.dataset.results);
    if (!list) return;
    var fill = input.dataset.fill ? document.getElementById(input.dataset.fill) : null;
    var timer = null, active = -1, controller = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
    }
    function options() { return list.querySelectorAll("[role=option]"); }
    function highlight(index) {
      var items = options();
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (el, i) { el.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function choose(item) {
      if (fill) {
        fill.value = item.dataset.code;
        input.value = item.dataset.name;
        close();
      } else {
        window.location.href = item.dataset.href;
      }
    }
    function render(items) {
      list.textContent = "";
      if (!items.length) {
        var empty = document.createElement("li");
        empty.className = "empty"; empty.textContent = text.noResults || "—";
        list.appendChild(empty);
      }
      items.forEach(function (loc, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.code = loc.code;
        li.dataset.name = loc.full_name;
        li.dataset.href = "/localities/" + encodeURIComponent(loc.code);
        var name = document.createElement("span");
        name.className = "name"; name.textContent = loc.full_name;
        var meta = document.createElement("span");
        meta.className = "muted";
        meta.textContent = " " + ((text.levels || {})[loc.level] || loc.level) + " · " + loc.code;
        li.appendChild(name); li.appendChild(meta);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      list.hidden = false; active = -1;
      input.setAttribute("aria-expanded", "true");
    }
    function run() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      if (controller) controller.abort();
      controller = new AbortController();
      var url = "/api/v1/localities?limit=10&q=" + encodeURIComponent(q);
      if (input.dataset.within) url += "&within=" + encodeURIComponent(input.dataset.within);
      fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (body) { render(body.items || []); })
        .catch(function (err) {
          if (err.name === "AbortError") return;
          list.textContent = "";
          var li = document.createElement("li"); li.className = "empty"; li.textContent = text.searchFailed || "!";
          list.appendChild(li); list.hidden = false;
        });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(options()[active]); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function seasonChart(canvas, text) {
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
    document.querySelectorAll("[data-locality-search]").forEach(function (el) { localitySearch(el, text); });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    document.querySelectorAll("canvas[data-chart]").forEach(function (el) { seasonChart(el, text); });
  });
})();
