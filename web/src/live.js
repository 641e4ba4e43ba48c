// The live feed: SignalR hub /hubs/live, client method `event` receiving {seq, type, ticket, category, status,
// supportCount, lat, lon, kecamatan, at}. The server numbers events in commit order, so one number (the last seq
// seen) is all a client needs to ask GET /api/events?after= for what it missed while away.
//
// On every (re)connect and area change: first subscribe (WatchArea / WatchTicket), then catch up from the last seq.
// Subscribing first means nothing falls between the catch-up and the live stream; events that arrive during the
// catch-up wait in a buffer, and seq order drops the ones seen twice. While connected it also catches up every 30 s
// from /api/events alone (no hub call): an instance whose Redis backplane is down keeps the connection but pushes
// nothing, and its map still gets every event, late rather than never.
//
// With several instances the server pushes through Redis, where every group (a map cell, a ticket) is a channel of its
// own: events of two groups can arrive out of seq order, the events of one complaint never do. So an event counts as
// new when its seq is above the last one seen for its ticket (and above what the layers loaded). Pushes never move the
// catch-up cursor: a push that failed (Redis away) leaves a hole below later pushes, so only a catch-up that covered
// every subscription says "nothing up to here is missing".
//
// Staff pages watch their queue instead (WatchQueue: the events of the user's OPD, or of all OPDs for an admin,
// escalations included). The sign-in cookie goes with the connection (same origin). /api/events has no per-OPD
// catch-up and never returns escalations, so a queue that missed events reloads from the API (onResync) instead.

import { HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { getJson, query } from './api.js';
import { debounce } from './dom.js';
import { t } from './i18n.js';
import { bboxOf } from './map.js';

const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000, 20000, 30000];
const CATCH_UP_EVERY_MS = 30000;
const retryDelay = (attempt) => RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)];
// A client away so long that it missed more than this reloads its layers instead of replaying events.
const CATCH_UP_LIMIT = 500;
// The watched area reaches a little past the screen, as the complaint layer's data does.
const AREA_PAD = 0.2;
// An area too large to list its cells joins the server's `city` group, which receives every event.
const WHOLE_CITY = [-180, -90, 180, 90];

export class LiveConnection {
  constructor(indicator) {
    this._indicator = indicator;
    this._listeners = new Set();
    this._resyncListeners = new Set();
    this._tickets = new Set();
    this._area = null;
    this._watchingQueue = false;
    // Events up to _baseSeq are in what the layers loaded; _ticketSeq holds the last seq delivered per ticket; up to
    // _lastSeq every event of the subscriptions has been delivered (a catch-up starts there).
    this._baseSeq = null;
    this._ticketSeq = new Map();
    this._lastSeq = null;
    this._buffer = null;
    this._queue = Promise.resolve();
    this._stopped = true;
    this._connection = new HubConnectionBuilder()
      .withUrl('/hubs/live')
      // Never give up: a phone that loses signal for an hour should still come back on its own.
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount + 1) })
      .configureLogging(LogLevel.Warning)
      .build();
    this._connection.on('event', (event) => this._receive(event));
    this._connection.onreconnecting(() => this._setState('reconnecting'));
    this._connection.onreconnected(() => this._subscribeAll());
    // Closed for good (the server refused a reconnect, or it ran out): start again unless we stopped.
    this._connection.onclose(() => {
      if (this._stopped) return;
      this._setState('reconnecting');
      this._retryLater(1);
    });
  }

  start() {
    this._stopped = false;
    this._connect(0);
    clearInterval(this._catchUpTimer);
    this._catchUpTimer = setInterval(() => this._catchUpWhileConnected(), CATCH_UP_EVERY_MS);
  }

  async stop() {
    this._stopped = true;
    clearTimeout(this._retryTimer);
    clearInterval(this._catchUpTimer);
    await this._connection.stop();
    this._setState('disconnected');
  }

  /** Calls listener with every new event, in seq order; returns the unsubscribe function. */
  subscribe(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** Calls listener when events were missed beyond catching up: reload from the API. Returns the unsubscribe function. */
  onResync(listener) {
    this._resyncListeners.add(listener);
    return () => this._resyncListeners.delete(listener);
  }

  /** Watches the map's area, following it as it moves (debounced); returns the function that stops following. */
  followMap(map) {
    const update = debounce(() => this._watchArea(bboxOf(map, AREA_PAD)), 300);
    this._area = bboxOf(map, AREA_PAD);
    if (this._isConnected()) this._watchArea(this._area);
    map.on('moveend', update);
    return () => {
      map.off('moveend', update);
      update.cancel();
    };
  }

  /** Watches every event, whatever the map shows: for layers computed over the whole city (the planner's). */
  watchCity() {
    this._watchArea(WHOLE_CITY);
  }

  watchTicket(ticket) {
    this._tickets.add(ticket);
    if (this._isConnected()) this._enqueueSync({ area: null, tickets: [ticket] }).catch(() => {});
  }

  /** Watches the signed-in staff member's queue (their OPD's events; every OPD's for an admin). */
  watchQueue() {
    this._watchingQueue = true;
    if (this._isConnected()) this._enqueueSync({ area: null, tickets: [], queue: true }).catch(() => {});
  }

  /** Stops watching the queue on the next reconnect (the hub has no way to leave it sooner; events then go unheard). */
  unwatchQueue() {
    this._watchingQueue = false;
  }

  unwatchTicket(ticket) {
    this._tickets.delete(ticket);
    if (this._isConnected()) this._connection.invoke('UnwatchTicket', ticket).catch(() => {});
  }

  _isConnected() {
    return this._connection.state === HubConnectionState.Connected;
  }

  async _connect(attempt) {
    if (this._stopped) return;
    try {
      await this._connection.start();
    } catch {
      this._setState('reconnecting');
      this._retryLater(attempt + 1);
      return;
    }
    await this._subscribeAll();
  }

  _retryLater(attempt) {
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._connect(attempt), retryDelay(attempt));
  }

  _watchArea(area) {
    this._area = area;
    // A connection lost meanwhile subscribes everything again when it comes back.
    if (this._isConnected()) this._enqueueSync({ area, tickets: [] }).catch(() => {});
  }

  // "Connected" only once the subscriptions are in place: from then on no event for this view is missed.
  async _subscribeAll() {
    try {
      await this._enqueueSync({ area: this._area, tickets: [...this._tickets], queue: this._watchingQueue, all: true });
      if (this._isConnected()) this._setState('connected');
    } catch {
      // Still connected: the hub refused the queue, because the session ended (the server closes a connection whose
      // session ends, and this one came back without it). The page's reload then meets the 401 that sends it to sign in.
      if (this._watchingQueue && this._isConnected()) this._resync();
      // Otherwise the connection dropped while subscribing; onreconnecting / onclose take it from here.
    }
  }

  // One sync at a time, so two area changes cannot interleave their buffers and catch-ups.
  _enqueueSync(subscriptions) {
    const run = this._queue.then(() => this._sync(subscriptions));
    this._queue = run.catch(() => {});
    return run;
  }

  // all: these are all the subscriptions (a reconnect), so a catch-up may move the cursor.
  async _sync({ area, tickets, queue = false, all = false }) {
    this._buffer = [];
    try {
      const watches = [];
      if (area) watches.push(this._connection.invoke('WatchArea', ...area));
      for (const ticket of tickets) watches.push(this._connection.invoke('WatchTicket', ticket));
      if (queue) watches.push(this._connection.invoke('WatchQueue'));
      const answers = await Promise.all(watches);
      const serverLastSeq = Math.max(0, ...answers.map((answer) => answer?.lastSeq ?? 0));
      if (this._lastSeq === null) {
        // The first time, the layers have just loaded the current state: nothing to replay.
        this._restartAt(serverLastSeq);
      } else if (serverLastSeq < this._lastSeq) {
        // The server's log is behind what we saw (restored from a backup): start again from its numbering.
        this._restartAt(serverLastSeq);
        this._resync();
      } else if (serverLastSeq > this._lastSeq && queue) {
        this._restartAt(serverLastSeq);
        this._resync();
      } else if (serverLastSeq > this._lastSeq && (await this._catchUp(area, tickets, { headSeq: serverLastSeq, advance: all })) === 'failed') {
        this._restartAt(serverLastSeq);
        this._resync();
      }
    } finally {
      this._flushBuffer();
    }
  }

  // Every CATCH_UP_EVERY_MS while connected, from /api/events only: the hub may be unable to answer (backplane down).
  _catchUpWhileConnected() {
    if (!this._isConnected() || this._lastSeq === null) return;
    const area = this._area;
    const tickets = [...this._tickets];
    const queue = this._watchingQueue;
    const run = this._queue.then(async () => {
      this._buffer = [];
      try {
        if (queue) await this._checkQueue();
        else await this._catchUp(area, tickets, { advance: true });
      } finally {
        this._flushBuffer();
      }
    });
    this._queue = run.catch(() => {});
  }

  // Returns 'done', 'failed' (the requests failed: nothing delivered, the cursor unmoved) or 'resynced' (too much missed).
  // headSeq: the log's newest seq as a watch answered it, when known; advance: area and tickets are all the subscriptions.
  async _catchUp(area, tickets, { headSeq = 0, advance = false } = {}) {
    const after = this._lastSeq;
    const requests = [];
    if (area) requests.push(getJson(`/api/events${query({ after, bbox: area.join(','), limit: CATCH_UP_LIMIT })}`));
    for (const ticket of tickets) requests.push(getJson(`/api/events${query({ after, ticket, limit: CATCH_UP_LIMIT })}`));
    if (requests.length === 0) return 'done';
    let pages;
    try {
      pages = await Promise.all(requests);
    } catch {
      return 'failed';
    }
    if (pages.some((page) => page.events.length >= CATCH_UP_LIMIT)) {
      this._restartAt(Math.max(headSeq, ...pages.map((page) => page.lastSeq)));
      this._resync();
      return 'resynced';
    }
    const missed = pages.flatMap((page) => page.events).sort((a, b) => a.seq - b.seq);
    for (const event of missed) this._deliver(event);
    // Each page answered up to the log's newest seq at the time: nothing matching at or below it is still to come.
    if (advance) this._lastSeq = Math.max(this._lastSeq, Math.min(...pages.map((page) => page.lastSeq)));
    return 'done';
  }

  // /api/events has no per-OPD filter: a queue reloads when the log moved since it last looked.
  async _checkQueue() {
    let page;
    try {
      page = await getJson(`/api/events${query({ after: this._lastSeq, limit: CATCH_UP_LIMIT })}`);
    } catch {
      return;
    }
    if (page.events.length === 0) return;
    this._restartAt(page.lastSeq);
    this._resync();
  }

  _restartAt(seq) {
    this._baseSeq = seq;
    this._lastSeq = seq;
    this._ticketSeq.clear();
  }

  _resync() {
    for (const listener of this._resyncListeners) listener();
  }

  _flushBuffer() {
    const buffered = this._buffer ?? [];
    this._buffer = null;
    for (const event of buffered) this._deliver(event);
  }

  _receive(event) {
    if (this._buffer) this._buffer.push(event);
    else this._deliver(event);
  }

  _deliver(event) {
    if (this._baseSeq !== null && event.seq <= this._baseSeq) return;
    const last = this._ticketSeq.get(event.ticket);
    if (last !== undefined && event.seq <= last) return;
    this._ticketSeq.set(event.ticket, event.seq);
    for (const listener of this._listeners) listener(event);
  }

  _setState(state) {
    this._indicator.dataset.state = state;
    const label = this._indicator.querySelector('.live-label');
    label.dataset.i18n = `live.${state}`;
    label.textContent = t(`live.${state}`);
  }
}
