// Kecamatan and kelurahan outlines of the active boundary generation (GET /api/boundaries). They are drawn whether
// or not map tiles load, so the map stays readable offline; kelurahan names appear once zoomed in far enough.

import L from 'leaflet';
import { getJson } from '../api.js';

const LABEL_ZOOM = 14;

export const BoundariesLayer = L.Layer.extend({
  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    this._abort = new AbortController();
    map.on('zoomend', this._toggleLabels, this);
    this._toggleLabels();
    this._load(this._abort.signal);
  },

  onRemove(map) {
    this._abort.abort();
    map.off('zoomend', this._toggleLabels, this);
    map.getContainer().classList.remove('show-area-labels');
    map.removeLayer(this._group);
  },

  async _load(signal) {
    try {
      const [kelurahan, kecamatan] = await Promise.all([
        getJson('/api/boundaries?level=kelurahan', { signal }),
        getJson('/api/boundaries?level=kecamatan', { signal }),
      ]);
      // Not interactive: a tap on the map must reach the map (it drops the report pin), not the polygon.
      L.geoJSON(kelurahan, { interactive: false, style: { className: 'area-kelurahan' } })
        .eachLayer((layer) => layer.bindTooltip(layer.feature.properties.name, {
          permanent: true, direction: 'center', className: 'area-label', interactive: false,
        }))
        .addTo(this._group);
      L.geoJSON(kecamatan, { interactive: false, style: { className: 'area-kecamatan' } }).addTo(this._group);
    } catch (error) {
      if (error.name !== 'AbortError') console.warn('Ujar: boundaries not loaded', error);
    }
  },

  _toggleLabels() {
    this._map.getContainer().classList.toggle('show-area-labels', this._map.getZoom() >= LABEL_ZOOM);
  },
});
