// Calls to /api/v1/checkin with the device token. A network failure (or no answer in time) throws an
// OfflineError: the caller then decides offline. A 401 throws RevokedError: the device was revoked.
import { URLS } from "./texts.js";

export class OfflineError extends Error {}
export class RevokedError extends Error {}
export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

const WAIT_MS = 5000;

export async function call(path, { token, method = "GET", body, headers = {}, wait = WAIT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), wait);
  const sent = { ...headers };
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(URLS.api + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new OfflineError(String(error));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 && token) throw new RevokedError("revoked");
  if (response.status === 304) return { status: 304, body: null, response };
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    if (response.status >= 500 || response.status === 0) throw new OfflineError(`HTTP ${response.status}`);
    throw new ApiError(response.status, parsed);
  }
  return { status: response.status, body: parsed, response };
}
