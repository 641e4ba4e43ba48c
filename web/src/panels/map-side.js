// Beside the map (#map-side): the key to the status colours, and the complaints in view as a list. Markers are not tab
// stops, so this list is how a keyboard or screen reader user reaches them: one link per complaint (its tracking
// page), one button per cluster (zooms in on it).

import { categoryByCode } from '../categories.js';
import { h, listen } from '../dom.js';
import { categoryName, onLangChange, STATUSES, statusLabel, t } from '../i18n.js';

const LIST_MAX = 50;

export class MapSidePanel {
  constructor(root, map) {
    this._el = (id) => root.querySelector(`#${id}`);
    this._map = map;
    this._items = [];
  }

  add() {
    this._unsubscribe = [
      onLangChange(() => this._render()),
      listen(this._el('map-list-items'), 'click', (event) => {
        const button = event.target.closest('[data-zoom-to]');
        if (!button) return;
        this._map.setView([Number(button.dataset.lat), Number(button.dataset.lon)], Number(button.dataset.zoomTo));
        this._el('map').focus();
      }),
    ];
    this._render();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
  }

  /** items: what the complaints layer drew ({point} for a complaint, {lat, lon, count, zoomTo} for a cluster). */
  showItems(items) {
    this._items = items;
    this._renderList();
  }

  _render() {
    this._el('legend-items').replaceChildren(...STATUSES.map((status) =>
      h('li', { 'data-status': status }, h('span', { class: 'legend-dot', 'aria-hidden': 'true' }), statusLabel(status))));
    this._renderList();
  }

  _renderList() {
    const total = this._items.reduce((sum, item) => sum + (item.point ? 1 : item.count), 0);
    this._el('map-list-count').textContent = String(total);
    const shown = this._items.slice(0, LIST_MAX);
    this._el('map-list-items').replaceChildren(...shown.map((item) => (item.point
      ? h('li', { 'data-ticket': item.point.ticket },
        h('a', { href: `/lacak/${encodeURIComponent(item.point.ticket)}` },
          h('span', { class: 'status-badge', 'data-status': item.point.status }, statusLabel(item.point.status)), ' ',
          `${categoryName(categoryByCode(item.point.category)) || item.point.category} · ${item.point.ticket}`))
      : h('li', {},
        h('button', { type: 'button', class: 'btn-link', 'data-zoom-to': item.zoomTo, 'data-lat': item.lat, 'data-lon': item.lon },
          t('popup.zoomIn', { n: item.count }))))));
    const more = this._el('map-list-more');
    more.hidden = this._items.length <= LIST_MAX;
    more.textContent = t('list.more', { n: this._items.length - LIST_MAX });
  }
}
