// The crew page's map: the crew's position and the nearby tasks, numbered nearest first as in the list below it.
// setTasks() and setPosition() redraw; a tap on a task calls onSelect(ticket) so the page opens that task's card.

import L from 'leaflet';
import { categoryIcon } from '../categories.js';
import { t } from '../i18n.js';

export const TasksLayer = L.Layer.extend({
  initialize({ onSelect }) {
    this._onSelect = onSelect;
    this._tasks = [];
    this._position = null;
  },

  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    this._draw();
  },

  onRemove(map) {
    map.removeLayer(this._group);
    this._group = null;
  },

  setTasks(tasks) {
    this._tasks = tasks;
    this._draw();
  },

  /** position: {lat, lon, fromDevice}; null hides the marker. */
  setPosition(position) {
    this._position = position;
    this._draw();
  },

  /** Fits the view to the position and the nearest few tasks, so the first ones are on screen. */
  frame(nearest = 3) {
    if (!this._map || !this._position) return;
    const points = [[this._position.lat, this._position.lon], ...this._tasks.slice(0, nearest).map((task) => [task.lat, task.lon])];
    if (points.length === 1) this._map.setView(points[0], Math.max(this._map.getZoom(), 16));
    else this._map.fitBounds(points, { padding: [30, 30], maxZoom: 17 });
  },

  _draw() {
    if (!this._group) return;
    this._group.clearLayers();
    this._tasks.forEach((task, index) => {
      const icon = L.divIcon({
        className: 'ujar-marker task-marker',
        html: `${categoryIcon(task.category)}<span class="task-marker-rank">${index + 1}</span>`,
        iconSize: [30, 30],
      });
      const marker = L.marker([task.lat, task.lon], { icon, title: t('crew.rank', { n: index + 1 }), keyboard: false })
        .on('click', () => this._onSelect(task.ticket))
        .addTo(this._group);
      Object.assign(marker.getElement().dataset, { ticket: task.ticket, status: task.status, rank: String(index + 1) });
    });
    if (this._position) {
      const here = L.circleMarker([this._position.lat, this._position.lon], {
        radius: 9, className: this._position.fromDevice ? 'crew-position' : 'crew-position crew-position-centre', interactive: false,
      }).addTo(this._group);
      here.getElement()?.setAttribute('aria-label', t('crew.you'));
    }
  },
});
