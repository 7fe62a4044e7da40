// What the phone keeps in IndexedDB: its device token and lists ("kv"), each list's offline bundle with its ETag
// ("bundles"), the scans waiting to upload ("pending", by nonce), and the tickets this phone admitted
// ("admitted": the bundle's checked_in does not know them until the next refresh).
const NAME = "ngayhoi-scanner";
const VERSION = 1;
let opened = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("kv");
        db.createObjectStore("bundles");
        db.createObjectStore("pending", { keyPath: "nonce" });
        db.createObjectStore("admitted", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

async function run(storeName, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    let result;
    Promise.resolve(work(tx.objectStore(storeName))).then((value) => { result = value; });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const get = (storeName, key) => run(storeName, "readonly", (s) => promised(s.get(key)));
export const put = (storeName, value, key) => run(storeName, "readwrite", (s) => promised(key === undefined ? s.put(value) : s.put(value, key)));
export const remove = (storeName, key) => run(storeName, "readwrite", (s) => promised(s.delete(key)));
export const all = (storeName) => run(storeName, "readonly", (s) => promised(s.getAll()));
export const count = (storeName) => run(storeName, "readonly", (s) => promised(s.count()));
export const clear = (storeName) => run(storeName, "readwrite", (s) => promised(s.clear()));

export function removeMany(storeName, keys) {
  return run(storeName, "readwrite", (s) => { for (const key of keys) s.delete(key); });
}
