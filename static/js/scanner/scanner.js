// The check-in scanner page: a hardware scanner's keyboard input, the camera or a typed code; online, the server
// decides (POST /api/v1/checkin/scan); offline, or when the request fails, the phone decides by the same rules
// from the list's offline bundle (judge.js), verifying the signature itself (ticket.js), and keeps the scan to
// upload later (sync.js).
import * as store from "./store.js";
import { call, ApiError, OfflineError, RevokedError } from "./api.js";
import { Camera } from "./camera.js";
import { signal, unlockAudio } from "./feedback.js";
import { indexBundle, judge } from "./judge.js";
import { newNonce, refreshBundle, savedBundle, upload } from "./sync.js";
import { makeVerifier } from "./ticket.js";
import { TEXTS, URLS, clock, format } from "./texts.js";

const REFRESH_MS = 60000;
const SCAN_WAIT_MS = 3000; // a slower answer at the door: decide here, upload later
const $ = (id) => document.getElementById(id);

const state = {
  token: null,
  lists: [],
  listId: null,
  index: null,
  verifier: null,
  mine: new Map(), // registration id → time: this phone's admissions on the current list not yet in the bundle
  reachable: navigator.onLine,
  pending: 0,
  revoked: false,
  workerActive: false,
  busy: Promise.resolve(),
};

function online() {
  return navigator.onLine && state.reachable;
}

// --- what the page shows ------------------------------------------------------------------------------------

function notice(text) {
  const box = $("notice");
  box.textContent = text || "";
  box.hidden = !text;
}

function showNetwork() {
  const line = $("network");
  if (!online()) {
    line.textContent = format(TEXTS.offline, { count: state.pending });
    line.className = "network offline";
  } else if (state.pending > 0) {
    line.textContent = format(TEXTS.waiting, { count: state.pending });
    line.className = "network waiting";
  } else {
    line.textContent = TEXTS.online;
    line.className = "network online";
  }
  document.body.dataset.pending = String(state.pending);
  document.body.dataset.online = online() ? "1" : "0";
}

function showCount() {
  if (!state.index) {
    $("count").textContent = "";
    return;
  }
  const present = new Set([...state.index.checkedIn.keys(), ...state.mine.keys()]);
  $("count").textContent = format(TEXTS.count, { present: present.size, expected: state.index.tickets.size });
}

function showResult(answer, offline) {
  const colour = answer.colour || TEXTS.colours[answer.result] || "red";
  const panel = $("result");
  panel.className = `result ${colour}`;
  panel.dataset.result = answer.result;
  panel.dataset.count = String(Number(panel.dataset.count || 0) + 1); // scans shown (for tests and tools)
  $("result-reason").textContent = answer.message || TEXTS.results[answer.result] || answer.result;
  $("result-name").textContent = answer.name || "";
  $("result-admits").textContent = answer.admits || "";
  let detail = "";
  if (answer.checked_in_at && (answer.result === "already_checked_in" || answer.reentry)) {
    detail = answer.checked_in_device
      ? format(TEXTS.already, { time: clock(answer.checked_in_at), device: answer.checked_in_device })
      : format(TEXTS.alreadyHere, { time: clock(answer.checked_in_at) });
  }
  if (offline) detail = detail ? `${detail} · ${TEXTS.offlineDecision}` : TEXTS.offlineDecision;
  $("result-detail").textContent = detail;
  signal(colour);
}

function revoked() {
  state.revoked = true;
  document.body.dataset.revoked = "1";
  notice(TEXTS.revoked);
  camera.stop();
  for (const control of document.querySelectorAll("input, button, select")) control.disabled = true;
}

// --- lists and bundles --------------------------------------------------------------------------------------

async function useBundle(bundle) {
  if (!bundle) {
    state.index = null;
    state.verifier = null;
    return;
  }
  state.index = indexBundle(bundle);
  state.verifier = await makeVerifier(state.index.keys);
  const mine = (await store.all("admitted")).filter((a) => a.list_id === state.listId);
  state.mine = new Map(mine.map((a) => [a.registration_id, a.at]));
  showCount();
}

function fillLists() {
  const select = $("list-select");
  select.replaceChildren(
    ...state.lists.map((list) => {
      const option = document.createElement("option");
      option.value = String(list.id);
      option.textContent = list.name;
      option.selected = list.id === state.listId;
      return option;
    }),
  );
}

async function chooseList(listId) {
  state.listId = listId;
  await store.put("kv", listId, "listId");
  await useBundle(await savedBundle(listId));
  if (online()) await refresh();
}

// Talk to the server: upload what waits, then the device's lists and the current list's bundle.
let refreshing = null;
async function refresh() {
  if (!state.token || state.revoked) return;
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try {
      if (state.pending > 0) {
        await upload(state.token);
        await countPending();
      }
      const info = await call("/device", { token: state.token });
      state.lists = info.body.lists;
      await store.put("kv", state.lists, "lists");
      if (!state.lists.some((l) => l.id === state.listId) && state.lists.length) {
        state.listId = state.lists[0].id;
        await store.put("kv", state.listId, "listId");
      }
      fillLists();
      const { bundle, changed } = await refreshBundle(state.token, state.listId);
      if (changed || !state.index) await useBundle(bundle);
      state.reachable = true;
      if ($("notice").textContent === TEXTS.noBundle) notice("");
    } catch (error) {
      if (error instanceof RevokedError) revoked();
      else if (error instanceof OfflineError) state.reachable = false;
      else console.warn("refresh", error);
    } finally {
      refreshing = null;
      showNetwork();
      markReady();
    }
  })();
  return refreshing;
}

async function countPending() {
  state.pending = await store.count("pending");
  showNetwork();
}

// --- scanning -----------------------------------------------------------------------------------------------

async function decideOffline(code, nonce, moment) {
  await store.put("pending", { nonce, list_id: state.listId, code, scanned_at: moment.toISOString() });
  await countPending();
  if (!state.index) {
    showResult({ result: "not_open", colour: "amber", message: TEXTS.noBundle }, true);
    return;
  }
  const claims = await state.verifier.verify(code);
  const answer = judge(state.index, claims, moment, state.mine);
  // What this phone decided goes up with the scan: the server lists as duplicates only admissions, not refusals.
  await store.put("pending", {
    nonce, list_id: state.listId, code, scanned_at: moment.toISOString(), local_result: answer.result,
  });
  if (answer.result === "ok" && !answer.reentry) await remember(answer.registration_id, moment.toISOString());
  showResult(answer, true);
}

async function remember(registrationId, at) {
  if (!registrationId || state.index?.checkedIn.has(registrationId)) return;
  state.mine.set(registrationId, at);
  await store.put("admitted", { key: `${state.listId}:${registrationId}`, list_id: state.listId, registration_id: registrationId, at });
  showCount();
}

async function scan(raw) {
  const code = String(raw || "").trim();
  if (!code || state.revoked || !state.token || state.listId === null) return;
  const nonce = newNonce();
  const moment = new Date();
  if (navigator.onLine) {
    try {
      const body = { code, list_id: state.listId, nonce };
      const answer = await call("/scan", { token: state.token, method: "POST", body, wait: SCAN_WAIT_MS });
      state.reachable = true;
      showNetwork();
      if (answer.body.result === "ok" && !answer.body.reentry) await remember(answer.body.registration_id, answer.body.scanned_at);
      showResult(answer.body, false);
      return;
    } catch (error) {
      if (error instanceof RevokedError) return revoked();
      if (error instanceof ApiError) {
        notice(error.message || TEXTS.serverError);
        return;
      }
      state.reachable = false; // OfflineError: decide here, upload later (the same nonce: never counted twice)
    }
  }
  await decideOffline(code, nonce, moment);
}

// One scan at a time, in the order read.
function enqueue(code) {
  state.busy = state.busy.then(() => scan(code)).catch((error) => {
    console.error(error);
    notice(TEXTS.serverError);
  });
  return state.busy;
}

const camera = new Camera($("camera-video"), (code) => enqueue(code));

// --- start --------------------------------------------------------------------------------------------------

// Ready to work offline: the list's bundle is stored and the service worker is active (it cached the shell
// before activating, so a reload without network is served from it).
function markReady() {
  if (state.index && state.workerActive) document.body.dataset.ready = "1";
}

function focusWedge() {
  if ($("manual-form").hidden && !state.revoked) $("wedge").focus({ preventScroll: true });
}

function wire() {
  $("wedge-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("wedge");
    const code = input.value;
    input.value = "";
    enqueue(code);
  });
  $("manual-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("manual");
    const code = input.value;
    input.value = "";
    enqueue(code).then(() => input.focus());
  });
  $("manual-button").addEventListener("click", () => {
    const form = $("manual-form");
    form.hidden = !form.hidden;
    if (!form.hidden) $("manual").focus();
    else focusWedge();
  });
  $("camera-button").addEventListener("click", async () => {
    const button = $("camera-button");
    if (camera.running) {
      camera.stop();
      $("camera").hidden = true;
      button.textContent = TEXTS.cameraStart;
      return;
    }
    $("camera").hidden = false;
    try {
      await camera.start();
      button.textContent = TEXTS.cameraStop;
    } catch {
      camera.stop();
      $("camera").hidden = true;
      notice(TEXTS.cameraUnavailable);
    }
  });
  $("list-select").addEventListener("change", (event) => chooseList(Number(event.target.value)));
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });
  document.addEventListener("click", (event) => {
    if (!event.target.closest("input, select, button, label, a")) focusWedge();
  });
  window.addEventListener("online", () => { state.reachable = true; showNetwork(); refresh(); });
  window.addEventListener("offline", () => { state.reachable = false; showNetwork(); });
  setInterval(() => { if (navigator.onLine) refresh(); }, REFRESH_MS);
}

async function start() {
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(URLS.worker).catch((error) => console.warn("service worker", error));
    navigator.serviceWorker.ready.then(() => {
      state.workerActive = true;
      markReady();
    });
  } else {
    state.workerActive = true;
  }
  state.token = await store.get("kv", "token");
  if (!state.token) {
    notice(TEXTS.notEnrolled);
    for (const control of document.querySelectorAll("input, button, select")) control.disabled = true;
    return;
  }
  state.lists = (await store.get("kv", "lists")) || [];
  state.listId = (await store.get("kv", "listId")) ?? state.lists[0]?.id ?? null;
  fillLists();
  await countPending();
  await useBundle(await savedBundle(state.listId));
  if (!state.index && !navigator.onLine) notice(TEXTS.noBundle);
  markReady();
  focusWedge();
  if (navigator.onLine) await refresh();
}

start();
