// The network side of the scanner: each list's offline bundle (kept with its ETag: a refresh while nothing
// changed is a 304), and the upload of the scans waiting in IndexedDB, in batches. A row the server answered
// (any result, a replay, or a per-row error) leaves the queue; the same batch sent twice changes nothing there
// (each scan has its nonce).
import * as store from "./store.js";
import { call } from "./api.js";

export const BATCH = 500;

export function newNonce() {
  if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function savedBundle(listId) {
  const saved = await store.get("bundles", listId);
  return saved ? saved.data : null;
}

// Download the list's bundle unless it is unchanged; forget this phone's own admissions the bundle now has.
export async function refreshBundle(token, listId) {
  const saved = await store.get("bundles", listId);
  const headers = saved && saved.etag ? { "If-None-Match": saved.etag } : {};
  const answer = await call(`/lists/${listId}/bundle`, { token, headers, wait: 30000 });
  if (answer.status === 304 && saved) {
    return { bundle: saved.data, changed: false };
  }
  const bundle = answer.body;
  await store.put("bundles", { etag: answer.response.headers.get("ETag"), data: bundle, fetchedAt: new Date().toISOString() }, listId);
  const known = new Set((bundle.checked_in || []).map((row) => row[0]));
  const mine = (await store.all("admitted")).filter((a) => a.list_id === listId && known.has(a.registration_id));
  if (mine.length) await store.removeMany("admitted", mine.map((a) => a.key));
  return { bundle, changed: true };
}

// Upload every waiting scan; answers the server's results (the caller may show what changed).
export async function upload(token) {
  const waiting = (await store.all("pending")).sort((a, b) => (a.scanned_at < b.scanned_at ? -1 : 1));
  const results = [];
  for (let start = 0; start < waiting.length; start += BATCH) {
    const batch = waiting.slice(start, start + BATCH);
    const body = {
      device_time: new Date().toISOString(),
      pending: waiting.length - start - batch.length, // what this phone still holds after this batch
      scans: batch.map(({ nonce, list_id, code, scanned_at, local_result }) => ({
        nonce, list_id, code, scanned_at, ...(local_result ? { local_result } : {}),
      })),
    };
    const answer = await call("/sync", { token, method: "POST", body, wait: 60000 });
    const answered = [];
    for (const row of answer.body.results || []) {
      if (batch[row.index]) answered.push(batch[row.index].nonce);
      results.push(row);
    }
    await store.removeMany("pending", answered);
  }
  return results;
}
