// Live attendance (templates/checkin/live/_board.html): draws the arrivals chart (Chart.js, vendored from npm) and
// polls the board's JSON every few seconds with If-None-Match, so that an unchanged answer is a bodiless 304.
// Without JavaScript the server-rendered numbers and the arrivals table stay as they are.
(function () {
  "use strict";

  var board = document.querySelector("[data-live]");
  if (!board) return;

  var url = board.getAttribute("data-poll-url");
  var seconds = Math.max(2, parseInt(board.getAttribute("data-poll-seconds"), 10) || 5);
  var dark = board.getAttribute("data-theme") === "dark";
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  var updated = board.querySelector("[data-updated]");
  var etag = board.getAttribute("data-etag") || null;
  var chart = null;

  function readJSON(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  function drawChart(arrivals) {
    var canvas = document.getElementById("arrivals-chart");
    if (!canvas || typeof window.Chart !== "function" || !arrivals) return;
    var ink = dark ? "#f4f4f6" : "#1d1d1f";
    var grid = dark ? "rgba(255,255,255,.12)" : "rgba(0,0,0,.08)";
    var size = dark ? Math.max(14, Math.round(window.innerWidth / 80)) : 12;
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: arrivals.labels.slice(),
        datasets: [{
          label: board.getAttribute("data-label"),
          data: arrivals.counts.slice(),
          backgroundColor: dark ? "#ffcd00" : "#c8102e",
        }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { ticks: { color: ink, font: { size: size } }, grid: { color: grid } },
          y: { beginAtZero: true, ticks: { color: ink, precision: 0, font: { size: size } }, grid: { color: grid } },
        },
      },
    });
  }

  function setText(root, name, text) {
    var node = root.querySelector('[data-field="' + name + '"]');
    if (node && node.textContent !== text) node.textContent = text;
  }

  function updateLine(key, line) {
    var root = board.querySelector('[data-line="' + key + '"]');
    if (!root) return;
    setText(root, "present", numbers.format(line.present));
    setText(root, "registered", numbers.format(line.registered));
    setText(root, "invited", numbers.format(line.invited));
    var capacity = root.querySelector('[data-field="capacity"]');
    if (capacity) {
      setText(root, "capacity", line.capacity ? numbers.format(line.capacity) : capacity.getAttribute("data-none"));
    }
    var meter = root.querySelector("[data-meter]");
    if (meter) {
      meter.max = line.capacity || (line.registered + line.invited) || line.present || 1;
      meter.value = line.present;
    }
  }

  function update(data) {
    updateLine("day", data.day);
    data.items.forEach(function (line) { updateLine("item-" + line.item_id, line); });
    if (chart) {
      chart.data.labels = data.arrivals.labels;
      chart.data.datasets[0].data = data.arrivals.counts;
      chart.update();
    }
  }

  function stale(on) {
    if (updated) updated.textContent = on ? updated.getAttribute("data-stale") : "";
  }

  function poll() {
    if (document.hidden) { schedule(); return; }
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) { stale(false); return null; }
        if (!response.ok) throw new Error(String(response.status));
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (data) {
        if (data) { update(data); stale(false); }
      })
      .catch(function () { stale(true); })
      .then(schedule);
  }

  function schedule() { window.setTimeout(poll, seconds * 1000); }

  drawChart(readJSON("arrivals-data"));
  schedule();
})();
