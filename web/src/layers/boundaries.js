// Kecamatan and kelurahan outlines of the active boundary generation, for the view on screen: on every move the layer
// asks GET /api/boundaries?bbox=&zoom= for the areas in the (padded) view, cut to it and simplified for the zoom, so a
// national layer of 83,700 kelurahan is as light as a city's. They are drawn whether or not map tiles load, so the map
// stays readable offline; kelurahan names appear once zoomed in far enough.

import L from 'leaflet';
import { getJson, query } from '../api.js';
import { bboxOf } from '../map.js';

const LABEL_ZOOM = 14;
// Zoomed further out a kelurahan is a few pixels, and a country's 83,700 of them would be megabytes of specks: the
// kecamatan alone are drawn there.
const KELURAHAN_ZOOM = 10;
// Half a screen more on each side: a short pan shows outlines at once, and the cut edges stay off screen.
const VIEW_PAD = 0.5;

export const BoundariesLayer = L.Layer.extend({
  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    map.on('zoomend', this._toggleLabels, this);
    map.on('moveend', this._load, this);
    this._toggleLabels();
    this._load();
  },

  onRemove(map) {
    this._abort?.abort();
    map.off('zoomend', this._toggleLabels, this);
    map.off('moveend', this._load, this);
    map.getContainer().classList.remove('show-area-labels');
    map.removeLayer(this._group);
  },

  async _load() {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    const view = { bbox: bboxOf(this._map, VIEW_PAD).join(','), zoom: Math.round(this._map.getZoom()) };
    try {
      const none = { type: 'FeatureCollection', features: [] };
      const [kelurahan, kecamatan] = await Promise.all([
        view.zoom >= KELURAHAN_ZOOM ? getJson(`/api/boundaries${query({ level: 'kelurahan', ...view })}`, { signal: abort.signal }) : none,
        getJson(`/api/boundaries${query({ level: 'kecamatan', ...view })}`, { signal: abort.signal }),
      ]);
      this._group.clearLayers();
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
