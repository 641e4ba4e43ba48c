// The OPD queue's map: one pin per complaint of the page the list shows, coloured by status, the selected one
// raised. A tap on a pin calls onSelect(ticket), as a tap on its row does. setItems() and setSelected() redraw.

import L from 'leaflet';
import { categoryIcon } from '../categories.js';

export const QueuePinsLayer = L.Layer.extend({
  initialize({ onSelect }) {
    this._onSelect = onSelect;
    this._items = [];
    this._selected = null;
  },

  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    this._draw();
  },

  onRemove(map) {
    map.removeLayer(this._group);
    this._group = null;
  },

  setItems(items) {
    this._items = items;
    this._draw();
  },

  setSelected(ticket) {
    this._selected = ticket;
    this._draw();
  },

  /** Fits the view to the pins (or leaves it when there are none). */
  frame() {
    if (!this._map || !this._items.length) return;
    this._map.fitBounds(this._items.map((item) => [item.lat, item.lon]), { padding: [20, 20], maxZoom: 16 });
  },

  _draw() {
    if (!this._group) return;
    this._group.clearLayers();
    for (const item of this._items) {
      const selected = item.ticket === this._selected;
      const icon = L.divIcon({
        className: `ujar-marker queue-pin${selected ? ' queue-pin-selected' : ''}`, html: categoryIcon(item.category), iconSize: [26, 26],
      });
      const marker = L.marker([item.lat, item.lon], { icon, title: item.ticket, zIndexOffset: selected ? 1000 : 0, keyboard: false })
        .on('click', () => this._onSelect(item.ticket))
        .addTo(this._group);
      Object.assign(marker.getElement().dataset, { ticket: item.ticket, status: item.status, selected: String(selected) });
    }
  },
});
