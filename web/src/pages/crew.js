// Page `/petugas`: a field crew's phone. The device position (or, when the browser may not tell it, the map centre)
// → GET /api/tasks/nearby: the tasks assigned to this crew member first, then the OPD's open ones, nearest first by the
// distance shown, as a list and numbered on the map. Each task has a navigation link and, opened, the moves this crew
// member may make (panels/status-actions.js) with a note and before/after photos from the camera or the gallery; the
// device position goes with each move so the server can flag a close made far from the pin. A move made without a
// network waits on the phone (outbox.js) and is sent when the network is back; one the complaint has outrun meanwhile is
// refused by the server's version check and said so here.
//
// The page watches its OPD's queue on the live hub: a task filed, re-routed or closed by someone else shows up or goes
// away without a reload.

import { ApiError, describeProblem, getJson, query, showProblem } from '../api.js';
import { categoryByCode, categoryIcon, loadCategories } from '../categories.js';
import { debounce, fromTemplate, h, listen, svg } from '../dom.js';
import { categoryName, formatDistance, onLangChange, statusLabel, t, translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { TasksLayer } from '../layers/tasks.js';
import { createMap, viewFromUrl } from '../map.js';
import { sendWaiting, waitingMoves } from '../outbox.js';
import { deadlineBadge } from '../panels/deadline.js';
import { requireStaff, StaffBar } from '../panels/staff-bar.js';
import { showResult, StatusActions } from '../panels/status-actions.js';

const RADIUS_M = 5000;
const TASK_LIMIT = 20;
const LOCATE_OPTIONS = { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 };
const RETRY_MS = 20000;

/** A link that opens the phone's maps app with directions to the point. */
export const navigationUrl = (lat, lon) => `https://www.google.com/maps/dir/?api=1&destination=${lat},${lon}`;

class CrewPage {
  constructor(root, live, me, config) {
    this._root = root;
    this._live = live;
    this._me = me;
    this._config = config;
    this._el = (id) => root.querySelector(`#${id}`);
    this._position = null;
    this._positionNote = null;
    this._tasks = [];
    this._cards = new Map();
    this._details = new Map(); // ticket → the last staff view loaded, for moves made offline
    this._open = null; // {ticket, actions}
    this._result = null;
  }

  async add() {
    this._root.replaceChildren(fromTemplate('page-crew'));
    translate(this._root);
    document.title = `${t('crew.title')} · Ujar`;
    this._bar = new StaffBar(document.getElementById('staff-user'), this._me);
    this._bar.add();
    this._map = createMap(this._el('map'), this._config, viewFromUrl() ?? { center: this._config.center, zoom: this._config.zoom });
    this._boundaries = new BoundariesLayer().addTo(this._map);
    this._layer = new TasksLayer({ onSelect: (ticket) => this._openTask(ticket, { scroll: true }) }).addTo(this._map);
    this._reloadSoon = debounce(() => this._loadTasks(), 250);
    this._unsubscribe = [
      listen(this._el('btn-crew-locate'), 'click', () => this._locate()),
      listen(window, 'online', () => this._sendWaiting()),
      listen(this._el('btn-crew-centre'), 'click', () => this._useMapCentre()),
      listen(this._el('task-list'), 'click', (event) => {
        const button = event.target.closest('.task-open');
        if (button) this._toggleTask(button.closest('.task').dataset.ticket);
      }),
      this._live.subscribe((event) => this._applyEvent(event)),
      this._live.onResync(() => this._loadTasks()),
      onLangChange(() => this._relabel()),
      () => this._reloadSoon.cancel(),
      () => clearTimeout(this._retry),
    ];
    this._live.watchQueue();
    this._locate();
    // Not awaited: the page (and the live connection main.js starts once it is up) must not wait for the outbox.
    this._sendWaiting();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._live.unwatchQueue();
    this._closeTask();
    this._bar.remove();
    this._map.removeLayer(this._layer);
    this._map.removeLayer(this._boundaries);
    this._map.remove();
    this._root.replaceChildren();
  }

  _locate() {
    if (!navigator.geolocation) {
      this._showPositionNote('crew.denied', {}, true);
      return;
    }
    this._showPositionNote('crew.locating');
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        this._position = { lat: coords.latitude, lon: coords.longitude, fromDevice: true };
        this._showPositionNote('crew.located', { m: formatDistance(coords.accuracy ?? 0) });
        this._layer.setPosition(this._position);
        this._loadTasks({ frame: true });
      },
      () => this._showPositionNote('crew.denied', {}, true),
      LOCATE_OPTIONS);
  }

  /** Where the device is as a move is sent (the crew may have walked since the list loaded); null without a device fix. */
  async _freshPosition() {
    if (!this._position?.fromDevice) return null;
    try {
      const { coords } = await new Promise((resolve, reject) =>
        navigator.geolocation.getCurrentPosition(resolve, reject, { ...LOCATE_OPTIONS, timeout: 8000 }));
      this._position = { lat: coords.latitude, lon: coords.longitude, fromDevice: true };
      this._layer.setPosition(this._position);
    } catch {
      // No new fix in time: the last one is still the device's own.
    }
    return this._position;
  }

  _useMapCentre() {
    const centre = this._map.getCenter();
    this._position = { lat: centre.lat, lon: centre.lng, fromDevice: false };
    this._showPositionNote('crew.fromCentre');
    this._layer.setPosition(this._position);
    this._loadTasks({ frame: true });
  }

  _showPositionNote(key, params = {}, failed = false) {
    this._positionNote = { key, params, failed };
    const note = this._el('crew-position-note');
    note.textContent = t(key, params);
    note.classList.toggle('error', failed);
    this._el('crew-position-note').closest('.crew-position').dataset.source =
      failed ? 'none' : this._position?.fromDevice === false ? 'centre' : 'device';
    this._el('btn-crew-centre').classList.toggle('btn-primary', failed);
    this._el('btn-crew-centre').classList.toggle('btn-secondary', !failed);
  }

  async _loadTasks({ frame = false } = {}) {
    if (!this._position) return;
    const { lat, lon } = this._position;
    const error = this._el('crew-error');
    // A live reload and a new position can cross: only the latest answer may draw.
    const request = (this._request ?? 0) + 1;
    this._request = request;
    let answer;
    try {
      answer = await getJson(`/api/tasks/nearby${query({ lat: lat.toFixed(6), lon: lon.toFixed(6), radius: RADIUS_M, limit: TASK_LIMIT })}`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      if (request === this._request) showProblem(error, failure.problem);
      return;
    }
    if (request !== this._request) return;
    this._tasks = answer.items;
    error.hidden = true;
    this._renderTasks();
    this._layer.setTasks(this._tasks);
    if (frame) this._layer.frame();
    document.body.dataset.tasksReady = 'true';
  }

  /** Sends the moves kept while there was no network, and says how each went (one line each). */
  async _sendWaiting() {
    const outcomes = [];
    try {
      await sendWaiting((outcome) => outcomes.push(outcome));
    } catch (error) {
      // No IndexedDB here (a locked-down browser): nothing can have waited, and the page works online as before.
      console.warn('Ujar: outbox not available', error);
      return;
    }
    if (outcomes.length) {
      const lines = outcomes.map(({ move, result, problem, status }) => {
        const params = { ticket: move.ticket, status: statusLabel(move.to) };
        if (result) return { kind: 'sent', text: t('action.queuedSent', { ticket: result.ticket, status: statusLabel(result.status) }) };
        if (status === 409 && problem.code === 'changed_meanwhile') return { kind: 'stale', text: t('action.queuedStale', params) };
        return { kind: 'refused', text: t('action.queuedRefused', { ...params, reason: describeProblem(problem).title }) };
      });
      // The worst outcome names the box: a move that did not happen matters more than one that did.
      const kind = ['stale', 'refused', 'sent'].find((candidate) => lines.some((line) => line.kind === candidate));
      this._showNote(lines, kind);
      if (this._open) this._loadDetail(this._open.ticket);
      this._loadTasks();
    }
    await this._showWaiting();
  }

  async _showWaiting() {
    const count = (await waitingMoves()).length;
    const box = this._el('crew-outbox');
    box.hidden = count === 0;
    box.textContent = t('crew.pending', { n: count });
    box.dataset.count = String(count);
    // The browser says when it is online again; a retry now and then covers a network that came back unannounced.
    clearTimeout(this._retry);
    if (count) this._retry = setTimeout(() => this._sendWaiting(), RETRY_MS);
  }

  _queued(move) {
    this._showNote([{ kind: 'queued', text: t('action.queued', { ticket: move.ticket, status: statusLabel(move.to) }) }], 'queued');
    this._showWaiting();
  }

  /** Lines about waiting moves in the result box; kind (queued, sent, stale, refused) goes on the box. */
  _showNote(lines, kind) {
    const box = this._el('crew-result');
    box.replaceChildren(...lines.map((line) => h('p', { 'data-outbox': line.kind }, line.text)));
    box.dataset.outbox = kind;
    delete box.dataset.status;
    box.hidden = false;
    this._result = null;
  }

  _renderTasks() {
    const list = this._el('task-list');
    const shown = new Set(this._tasks.map((task) => task.ticket));
    if (this._open && !shown.has(this._open.ticket)) this._closeTask();
    for (const ticket of [...this._cards.keys()]) if (!shown.has(ticket)) this._cards.delete(ticket);
    list.replaceChildren(...this._tasks.map((task, index) => this._card(task, index + 1)));
    const empty = this._el('crew-empty');
    empty.hidden = this._tasks.length > 0;
    empty.textContent = t('crew.none', { km: RADIUS_M / 1000 });
  }

  // A card keeps its actions element across reloads, so a note being typed survives a live update.
  _card(task, rank) {
    let card = this._cards.get(task.ticket);
    if (!card) {
      const actions = h('div', { class: 'task-actions', id: `task-actions-${task.ticket}`, hidden: true });
      card = h('li', { class: 'task', 'data-ticket': task.ticket }, h('div', { class: 'task-summary' }), actions);
      this._cards.set(task.ticket, card);
    }
    Object.assign(card.dataset, {
      status: task.status, rank: String(rank), overdue: String(Boolean(task.deadline?.overdue)), mine: String(Boolean(task.assignedToMe)),
    });
    const category = categoryByCode(task.category);
    const open = this._open?.ticket === task.ticket;
    const summary = [
      h('div', { class: 'task-head' },
        h('span', { class: 'task-rank', 'aria-label': t('crew.rank', { n: rank }) }, String(rank)),
        h('span', { class: 'category-icon' }, svg(categoryIcon(task.category))),
        h('strong', { class: 'task-category' }, categoryName(category) || task.category),
        h('span', { class: 'status-badge', 'data-status': task.status }, statusLabel(task.status)),
        task.assignedToMe ? h('span', { class: 'task-mine' }, t('crew.assignedToYou')) : null),
      h('p', { class: 'task-meta' },
        h('span', { class: 'task-distance' }, t('crew.distance', { m: formatDistance(task.distanceMeters) })),
        deadlineBadge(task.deadline),
        h('span', { class: 'task-support' }, t('task.supporters', { n: task.supportCount }))),
      task.thumbUrl ? h('img', { class: 'task-thumb', src: task.thumbUrl, alt: '', loading: 'lazy' }) : null,
      h('p', { class: 'task-description' }, task.description ?? ''),
      h('p', { class: 'task-ticket' }, task.ticket),
      h('div', { class: 'button-row' },
        h('a', { class: 'btn-secondary task-nav', href: navigationUrl(task.lat, task.lon), target: '_blank', rel: 'noopener' }, t('crew.navigate')),
        h('button', {
          type: 'button', class: 'btn-primary task-open', 'aria-expanded': String(open), 'aria-controls': `task-actions-${task.ticket}`,
        }, t('crew.follow'))),
    ];
    card.querySelector('.task-summary').replaceChildren(...summary.filter(Boolean));
    return card;
  }

  _toggleTask(ticket) {
    if (this._open?.ticket === ticket) this._closeTask();
    else this._openTask(ticket);
  }

  async _openTask(ticket, { scroll = false } = {}) {
    const card = this._cards.get(ticket);
    if (!card) return;
    if (this._open?.ticket !== ticket) {
      this._closeTask();
      const container = card.querySelector('.task-actions');
      const actions = new StatusActions(container, ticket, {
        photos: true,
        offline: true,
        position: () => this._freshPosition(),
        onQueued: (move) => this._queued(move),
        onDone: (result) => this._moved(result),
        onStale: () => this._loadDetail(ticket),
      });
      actions.add();
      this._open = { ticket, actions };
      container.hidden = false;
      card.querySelector('.task-open').setAttribute('aria-expanded', 'true');
    }
    if (scroll) card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    await this._loadDetail(ticket);
  }

  _closeTask() {
    if (!this._open) return;
    const card = this._cards.get(this._open.ticket);
    this._open.actions.remove();
    if (card) {
      card.querySelector('.task-actions').hidden = true;
      card.querySelector('.task-open').setAttribute('aria-expanded', 'false');
    }
    this._open = null;
  }

  async _loadDetail(ticket) {
    const error = this._el('crew-error');
    try {
      const detail = await getJson(`/api/staff/complaints/${encodeURIComponent(ticket)}`);
      this._details.set(ticket, detail);
      if (this._open?.ticket === ticket) this._open.actions.show(detail);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      showProblem(error, failure.problem);
      // Without a network, a task seen before still offers its moves as they were: the move waits with that version,
      // and the server refuses it later if the complaint has changed since.
      const seen = this._details.get(ticket);
      if (failure.status === 0 && seen && this._open?.ticket === ticket) this._open.actions.show(seen);
    }
  }

  _moved(result) {
    this._result = result;
    const box = this._el('crew-result');
    delete box.dataset.outbox;
    showResult(box, result);
    // The task's buttons are drawn again (or the task is gone): keep the keyboard on what just happened.
    this._el('crew-result').focus();
    this._loadTasks();
    if (this._open?.ticket === result.ticket) this._loadDetail(result.ticket);
  }

  _applyEvent(event) {
    // Any change to the open task also changes its version: load it again so the next move is not refused as stale.
    if (event.ticket === this._open?.ticket) this._loadDetail(event.ticket);
    const task = this._tasks.find((candidate) => candidate.ticket === event.ticket);
    if (event.type === 'support_changed') {
      if (!task) return;
      task.supportCount = event.supportCount;
      this._renderTasks();
      return;
    }
    // Filed, re-routed, moved on, overdue: only the server knows whether (and how) it is one of this crew's nearest tasks.
    this._reloadSoon();
  }

  _relabel() {
    document.title = `${t('crew.title')} · Ujar`;
    if (this._positionNote) this._showPositionNote(this._positionNote.key, this._positionNote.params, this._positionNote.failed);
    if (this._result) showResult(this._el('crew-result'), this._result);
    this._renderTasks();
    this._showWaiting();
    this._layer.setTasks(this._tasks);
  }
}

/** Builds the page in root; returns the function that takes it down again. */
export async function mountCrewPage(root, live) {
  const me = await requireStaff();
  const [config] = await Promise.all([getJson('/api/config'), loadCategories()]);
  const page = new CrewPage(root, live, me, config);
  await page.add();
  return () => page.remove();
}
