// The page an enrolment QR code opens: /checkin/enrol#<one-time code>. The code stays in the fragment (never sent
// in a request line, so never in a log) until this script exchanges it for the device token, kept in IndexedDB.
import * as store from "./store.js";
import { call, ApiError } from "./api.js";
import { upload } from "./sync.js";
import { TEXTS, URLS, format } from "./texts.js";

const $ = (id) => document.getElementById(id);

function defaultName() {
  const agent = navigator.userAgent || "";
  const platform = /iPhone|iPad/.test(agent) ? "iPhone" : /Android/.test(agent) ? "Android" : "";
  return platform ? `${TEXTS.defaultName} · ${platform}` : TEXTS.defaultName;
}

function fail(text) {
  const box = $("enrol-error");
  box.textContent = text;
  box.hidden = false;
  $("enrol-button").disabled = false;
}

// Scans of a previous enrolment still waiting must upload with the token they were made with first.
async function flushPrevious() {
  const previous = await store.get("kv", "token");
  if (!previous || (await store.count("pending")) === 0) return true;
  try {
    await upload(previous);
  } catch {
    // counted below
  }
  const left = await store.count("pending");
  if (left > 0) {
    fail(format(TEXTS.enrolPending, { count: left }));
    return false;
  }
  return true;
}

async function enrol(code, name) {
  $("enrol-button").disabled = true;
  $("enrol-error").hidden = true;
  if (!(await flushPrevious())) return;
  let answer;
  try {
    answer = await call("/devices", { method: "POST", body: { code, name } });
  } catch (error) {
    fail(error instanceof ApiError && error.body && error.body.detail ? error.body.detail : TEXTS.enrolFailed);
    return;
  }
  const { token, device, lists } = answer.body;
  await Promise.all([store.clear("bundles"), store.clear("admitted"), store.clear("pending")]);
  await store.put("kv", token, "token");
  await store.put("kv", device, "device");
  await store.put("kv", lists, "lists");
  await store.put("kv", lists.length ? lists[0].id : null, "listId");
  location.replace(URLS.scanner);
}

const code = decodeURIComponent(location.hash.replace(/^#/, ""));
$("device-name").value = defaultName();
if (!code) {
  fail(TEXTS.enrolNoCode);
  $("enrol-button").disabled = true;
}
$("enrol-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("device-name").value.trim() || defaultName();
  enrol(code, name);
});
if ("serviceWorker" in navigator) navigator.serviceWorker.register(URLS.worker).catch(() => {});
