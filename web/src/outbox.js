// Moves made without a network (a crew in a street with no signal): kept in IndexedDB (photos are Blobs, which
// localStorage cannot hold) and sent, oldest first, once the browser says it is online again. Each carries the
// complaint's `version` as the page saw it, so the server refuses one that is stale (409 changed_meanwhile) rather than
// overwriting what someone did meanwhile; the caller turns that into a message.

import { ApiError, postForm } from './api.js';

const DB_NAME = 'ujar-outbox';
const STORE = 'moves';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Keeps a move: {ticket, to, fields: {name: text}, files: [{part, name, blob}]}. */
export const keepMove = (move) => run('readwrite', (store) => store.add({ ...move, keptAt: new Date().toISOString() }));

/** The moves still waiting, oldest first. */
export const waitingMoves = () => run('readonly', (store) => store.getAll());

const dropMove = (id) => run('readwrite', (store) => store.delete(id));

/** The multipart body of a kept move, as StatusActions would have sent it. */
export function formOf(move) {
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
          await dropMove(move.id);
          onOutcome({ move, result });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.status === 0) return; // still no network: try again later
          await dropMove(move.id);
          onOutcome({ move, problem: error.problem, status: error.status });
        }
      }
    } finally {
      sending = null;
    }
  })();
  return sending;
}
