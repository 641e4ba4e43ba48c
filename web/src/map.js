// The Leaflet map both pages share: tiles from GET /api/config and a fixed maxZoom, so the map (and its complaint
// layers) work even when no tile loads, as on an offline network where only the boundaries are drawn.

import L from 'leaflet';
import { readQuery, updateQuery } from './urlstate.js';

export const MAX_ZOOM = 19;

// Leaflet's attribution is HTML; the city's text is not.
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createMap(container, config, view) {
  const map = L.map(container, { center: view.center, zoom: view.zoom, minZoom: 6, maxZoom: MAX_ZOOM });
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: MAX_ZOOM }).addTo(map);
  // The boundaries drawn on every page are the city's official ones, whose licence asks for their source to be named.
  map.attributionControl.addAttribution(escapeHtml(config.city.boundaryAttribution));
  return map;
}

/** [minLon, minLat, maxLon, maxLat] of the view widened by pad (a share of its size), as the API's bbox wants. */
export function bboxOf(map, pad = 0) {
  const bounds = map.getBounds().pad(pad);
  const round = (value) => Number(value.toFixed(6));
  return [
    round(Math.max(-180, bounds.getWest())), round(Math.max(-90, bounds.getSouth())),
    round(Math.min(180, bounds.getEast())), round(Math.min(90, bounds.getNorth())),
  ];
}

export const bboxContains = ([minLon, minLat, maxLon, maxLat], lat, lon) =>
  lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat;

/** The view in the URL (?lat=&lon=&z=), or null when it has none or a broken one. */
export function viewFromUrl() {
  const params = readQuery();
  const lat = Number.parseFloat(params.get('lat'));
  const lon = Number.parseFloat(params.get('lon'));
  const zoom = Number.parseInt(params.get('z'), 10);
  const valid = Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && zoom >= 0 && zoom <= MAX_ZOOM;
  return valid ? { center: [lat, lon], zoom } : null;
}

/** Keeps ?lat=&lon=&z= in step with the map; returns the function that stops it. */
export function followViewInUrl(map) {
  const write = () => {
    const center = map.getCenter();
    updateQuery({ lat: center.lat.toFixed(5), lon: center.lng.toFixed(5), z: map.getZoom() });
  };
  map.on('moveend', write);
  return () => map.off('moveend', write);
}
