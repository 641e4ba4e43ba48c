// What waits on the device for the network, in IndexedDB (photos kept as Blobs, which localStorage cannot hold). Two
// kinds, one database: a citizen's complaints sent offline, keyed by the Idempotency-Key of their first try so a send
// whose answer never arrived files once; and a crew's moves, each carrying the complaint's `version` as the page saw it,
// so the server refuses a stale one (409 changed_meanwhile) rather than overwriting what someone did meanwhile.

import { ApiError, postForm } from './api.js';

const DB_NAME = 'ujar-outbox';
const STORES = { complaints: { keyPath: 'key' }, moves: { keyPath: 'id', autoIncrement: true } };

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      for (const [name, options] of Object.entries(STORES)) request.result.createObjectStore(name, options);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(storeName, mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const result = work(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const kept = (storeName) => ({
  put: (item) => run(storeName, 'readwrite', (store) => store.put(item)),
  all: () => run(storeName, 'readonly', (store) => store.getAll()),
  drop: (key) => run(storeName, 'readwrite', (store) => store.delete(key)),
});

const complaints = kept('complaints');
const moves = kept('moves');

/** item: {key (the Idempotency-Key), complaint (JSON), photos: [File], queuedAt}. */
export const queueComplaint = complaints.put;
export const queuedComplaints = complaints.all;
export const dropQueued = complaints.drop;

/** Keeps a move: {ticket, to, fields: {name: text}, files: [{part, name, blob}]}. */
export const keepMove = (move) => moves.put({ ...move, keptAt: new Date().toISOString() });

/** The moves still waiting, oldest first. */
export const waitingMoves = moves.all;

/** The multipart body of a kept move, as StatusActions would have sent it. */
function formOf(move) {
  const form = new FormData();
  for (const [name, value] of Object.entries(move.fields)) form.set(name, value);
  for (const file of move.files) form.append(file.part, file.blob, file.name);
  return form;
}

let sending = null;

/**
 * Sends the waiting moves one by one. onOutcome({move, result}) after one went through, ({move, problem, status}) after
 * the server refused it (it is dropped: sending it again cannot help). A network failure stops the round and keeps the
 * rest for the next one. Only one round runs at a time.
 */
export function sendWaiting(onOutcome) {
  sending ??= (async () => {
    try {
      for (const move of await waitingMoves()) {
        try {
          const result = await postForm(`/api/staff/complaints/${encodeURIComponent(move.ticket)}/status`, formOf(move));
          await moves.drop(move.id);
          onOutcome({ move, result });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.status === 0) return; // still no network: try again later
          await moves.drop(move.id);
          onOutcome({ move, problem: error.problem, status: error.status });
        }
      }
    } finally {
      sending = null;
    }
  })();
  return sending;
}
