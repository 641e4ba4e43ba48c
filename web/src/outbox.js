// Complaints sent while the phone had no network wait here (IndexedDB, which keeps the photos as they are) until it
// is back. Each keeps the Idempotency-Key of its first try, so sending it again after an answer that never arrived
// files it once.

const DB_NAME = 'ujar';
const STORE = 'outbox';

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** item: {key (the Idempotency-Key), complaint (JSON), photos: [File], queuedAt}. */
export const queueComplaint = (item) => withStore('readwrite', (store) => store.put(item));
export const queuedComplaints = () => withStore('readonly', (store) => store.getAll());
export const dropQueued = (key) => withStore('readwrite', (store) => store.delete(key));
