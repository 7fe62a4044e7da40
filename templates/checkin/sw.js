// The check-in scanner's service worker: keeps the scanner's shell (pages, scripts, style, libraries, icons) so
// that it loads and scans with the network gone, even after a reload. Built by festival/checkin/scanner_views.py:
// the version is a hash of every file's content, so a changed file installs a new worker and a fresh cache.
const VERSION = {{ version|tojson }};
const CACHE = "scanner-" + VERSION;
const SHELL = {{ urls|tojson }};
const SCANNER = {{ scanner|tojson }};
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("scanner-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

// Pages: the network first (a fresh page when online), the cached one when the network fails or is too slow.
async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT_MS);
    if (response.ok) {
      const url = new URL(request.url);
      cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (error) {
    const url = new URL(request.url);
    const cached = await cache.match(url.pathname) || await cache.match(SCANNER);
    if (cached) return cached;
    throw error;
  }
}

// Static files: from the cache (their address changes with their content), else the network.
async function asset(request) {
  const cached = await caches.match(request, { ignoreSearch: true, cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;  // the API: always live
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/") || SHELL.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});
