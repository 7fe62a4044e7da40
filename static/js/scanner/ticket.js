// Tickets verified on the phone, as festival/registration/tickets.py makes them: 120 characters of base32
// (75 bytes) = 11 bytes of claims (>BBBII: head, key id, year − 2000, registration id, what it admits) and their
// Ed25519 signature (64 bytes). Verified with WebCrypto's Ed25519, else with @noble/ed25519 (from npm).
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export const TICKET_CHARS = 120;
export const TICKET_BYTES = 75;
export const CLAIMS_BYTES = 11;
const FORMAT = 1;
const YEAR_BASE = 2000;

export function base32Decode(text) {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? LOOKUP[code] : -1;
    if (digit < 0) return null;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index] = (value >>> bits) & 0xff;
      index += 1;
    }
  }
  if (bits > 0 && (value & ((1 << bits) - 1)) !== 0) return null; // padding bits must be zero (as Python's)
  return out;
}

// The claims of a ticket text, and the signed bytes and signature; null when it is not shaped like one of ours.
export function decode(text) {
  const cleaned = String(text || "").trim().toUpperCase();
  if (cleaned.length !== TICKET_CHARS) return null;
  const raw = base32Decode(cleaned);
  if (!raw || raw.length !== TICKET_BYTES) return null;
  const view = new DataView(raw.buffer, raw.byteOffset, CLAIMS_BYTES);
  const head = view.getUint8(0);
  if (head >> 4 !== FORMAT || (head & 0x0c) !== 0) return null;
  const item = (head & 2) !== 0;
  const admits = view.getUint32(7);
  return {
    claims: {
      keyId: view.getUint8(1),
      year: YEAR_BASE + view.getUint8(2),
      registrationId: view.getUint32(3),
      festivalId: item ? null : admits,
      itemId: item ? admits : null,
      invitation: (head & 1) !== 0,
    },
    message: raw.subarray(0, CLAIMS_BYTES),
    signature: raw.subarray(CLAIMS_BYTES),
  };
}

function fromBase64url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

let noble = null;
function loadNoble() {
  if (!noble) noble = import("../../vendor/noble-ed25519.min.js");
  return noble;
}

// The fallback: Ed25519 verification (RFC 8032, strict) with @noble/ed25519's curve arithmetic and, since every
// ticket is verified with one of very few public keys, a table of each key's multiples made once per key: [k]A
// is then 64 additions instead of some 380 doublings and additions (noble's own verify recomputes it per
// signature, too slow on a phone). SHA-512 is WebCrypto's, which every browser has.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function keyTable(Point, raw) {
  const A = Point.fromBytes(raw, false);
  if (A.isSmallOrder()) return null;
  const table = [];
  let base = A;
  for (let i = 0; i < 64; i += 1) {
    const row = [Point.ZERO, base];
    for (let j = 2; j < 16; j += 1) row.push(row[j - 1].add(base));
    table.push(row);
    base = row[15].add(base); // 16 · base = 2^(4(i + 1)) · A
  }
  return table;
}

async function nobleVerifier(raw) {
  const { Point } = await loadNoble();
  let table = null;
  try {
    table = keyTable(Point, raw);
  } catch {
    table = null;
  }
  return async (signature, message) => {
    if (!table) return false;
    const s = littleEndian(signature.subarray(32));
    if (s >= L) return false;
    let R;
    try {
      R = Point.fromBytes(signature.subarray(0, 32), false);
    } catch {
      return false;
    }
    const hashed = new Uint8Array(await crypto.subtle.digest("SHA-512", concat(signature.subarray(0, 32), raw, message)));
    let k = littleEndian(hashed) % L;
    let kA = Point.ZERO;
    for (let i = 0; k > 0n; i += 1, k >>= 4n) {
      const nibble = Number(k & 15n);
      if (nibble) kA = kA.add(table[i][nibble]);
    }
    const sB = s === 0n ? Point.ZERO : Point.BASE.multiply(s, false);
    return R.add(kA).subtract(sB).clearCofactor().is0();
  };
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// A verifier for the bundle's public keys: verify(text) answers the claims, or null when the text is not a
// ticket we signed (malformed, unknown key, forged). `engine`: "auto" (WebCrypto, else noble), "webcrypto", "noble".
export async function makeVerifier(keys, engine = "auto") {
  let useWebCrypto = engine !== "noble";
  const byId = new Map();
  for (const key of keys || []) {
    const raw = fromBase64url(key.public_key);
    let cryptoKey = null;
    if (useWebCrypto) {
      try {
        cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
      } catch (error) {
        if (engine === "webcrypto") throw error;
        useWebCrypto = false;
      }
    }
    byId.set(parseInt(key.id, 16), { raw, cryptoKey });
  }
  if (!useWebCrypto) for (const key of byId.values()) key.fallback = await nobleVerifier(key.raw);
  const verify = async (text) => {
    const decoded = decode(text);
    if (!decoded) return null;
    const key = byId.get(decoded.claims.keyId);
    if (!key) return null;
    let valid = false;
    try {
      valid = useWebCrypto && key.cryptoKey
        ? await crypto.subtle.verify({ name: "Ed25519" }, key.cryptoKey, decoded.signature, decoded.message)
        : await key.fallback(decoded.signature, decoded.message);
    } catch {
      valid = false;
    }
    return valid ? decoded.claims : null;
  };
  return { verify, engine: useWebCrypto ? "webcrypto" : "noble" };
}
