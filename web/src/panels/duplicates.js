// "Already reported nearby?": once the report pin and a category are chosen, the open complaints of that category
// within 50 m (GET /api/complaints/nearby), each with a "Dukung" button. Supporting one is idempotent per device
// (X-Device-Token), so a double tap or a second visit counts once; the button may be pressed again harmlessly.

import { ApiError, describeProblem, getJson, post, query } from '../api.js';
import { categoryByCode, categoryIcon } from '../categories.js';
import { h, listen, svg } from '../dom.js';
import { categoryName, formatDistance, onLangChange, statusLabel, t } from '../i18n.js';
import { deviceToken } from '../tokens.js';

const RADIUS_M = 50;

export class DuplicatesPanel {
  /** onSupported(ticket, supportCount): tells the map that a marker's count changed. */
  constructor(section, { onSupported }) {
    this._section = section;
    this._list = section.querySelector('#duplicate-list');
    this._onSupported = onSupported;
    this._items = [];
    this._supported = new Set();
    this._errors = new Map();
  }

  add() {
    this._unsubscribe = [
      listen(this._list, 'click', (event) => {
        const button = event.target.closest('.btn-support');
        if (button) this._support(button.closest('.duplicate-item').dataset.ticket);
      }),
      onLangChange(() => this._render()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this.clear();
  }

  /** Looks for open complaints of category around the point. */
  async show(lat, lon, category) {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    try {
      const answer = await getJson(`/api/complaints/nearby${query({ lat, lon, category, radius: RADIUS_M })}`, { signal: abort.signal });
      this._items = answer.items;
    } catch (error) {
      if (error.name === 'AbortError') return;
      this._items = []; // a failed look-up must not stop the report itself
    }
    this._errors.clear();
    this._render();
  }

  clear() {
    this._abort?.abort();
    this._items = [];
    this._errors.clear();
    this._render();
  }

  async _support(ticket) {
    const item = this._items.find((i) => i.ticket === ticket);
    if (!item) return;
    this._errors.delete(ticket);
    try {
      const answer = await post(`/api/complaints/${encodeURIComponent(ticket)}/support`, { headers: { 'X-Device-Token': deviceToken() } });
      item.supportCount = answer.supportCount;
      this._supported.add(ticket);
      this._onSupported(ticket, answer.supportCount);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._errors.set(ticket, error.problem);
    }
    const hadFocus = this._list.contains(document.activeElement);
    this._render();
    // The list is drawn anew; a keyboard user stays on the button just pressed.
    if (hadFocus) this._list.querySelector(`.duplicate-item[data-ticket="${CSS.escape(ticket)}"] .btn-support`)?.focus();
  }

  _render() {
    this._section.hidden = this._items.length === 0;
    this._list.replaceChildren(...this._items.map((item) => this._renderItem(item)));
  }

  _renderItem(item) {
    const supported = this._supported.has(item.ticket);
    const problem = this._errors.get(item.ticket);
    const action = supported ? t('dup.supported') : t('dup.support');
    return h('li', { class: 'duplicate-item', 'data-ticket': item.ticket },
      item.thumbUrl
        ? h('img', { class: 'duplicate-thumb', src: item.thumbUrl, alt: t('track.photoAlt', { ticket: item.ticket }), width: 64, height: 64 })
        : h('span', { class: 'duplicate-thumb duplicate-icon', 'data-status': item.status }, svg(categoryIcon(item.category))),
      h('div', { class: 'duplicate-text' },
        h('p', { class: 'duplicate-title' },
          h('a', { href: `/lacak/${encodeURIComponent(item.ticket)}` }, item.ticket), ' · ',
          h('span', { class: 'duplicate-distance' }, t('dup.distance', { m: formatDistance(item.distanceMeters) }))),
        h('p', { class: 'duplicate-description' }, item.description),
        h('p', { class: 'duplicate-meta' },
          h('span', { class: 'status-badge', 'data-status': item.status }, statusLabel(item.status)), ' ',
          categoryName(categoryByCode(item.category)), ' · ',
          h('span', { class: 'support-count' }, String(item.supportCount)), ` ${t('dup.supporters')}`),
        problem ? h('p', { class: 'error', role: 'alert' }, describeProblem(problem).title) : null),
      h('button', {
        type: 'button', class: 'btn-support btn-secondary', 'aria-pressed': String(supported),
        'aria-label': t('dup.supportLabel', { action, ticket: item.ticket }),
      }, action));
  }
}
