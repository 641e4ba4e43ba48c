// The complaints on the map. Below DETAIL_ZOOM the server aggregates on a grid (GET /api/complaints/clusters) and
// supercluster merges those cells into what fits the screen, so a city of 100,000 complaints costs a few hundred
// light DOM icons. From DETAIL_ZOOM the complaints themselves arrive (GET /api/complaints?bbox=&limit=1000).
// Every pan aborts the request of the view it leaves. Live events change the loaded points in place: a new
// complaint in view appears at once, a status or support change updates its marker.

import L from 'leaflet';
import Supercluster from 'supercluster';
import { getJson, query } from '../api.js';
import { categoryByCode, categoryIcon } from '../categories.js';
import { h, svg } from '../dom.js';
import { categoryName, onLangChange, statusLabel, t } from '../i18n.js';
import { bboxContains, bboxOf } from '../map.js';

export const DETAIL_ZOOM = 16;
const DETAIL_LIMIT = 1000;
// Data is loaded for a little more than the screen, so a short pan shows points at once and edge clusters are whole.
const VIEW_PAD = 0.2;
const CLUSTER_RADIUS_PX = 64;

let renderCount = 0;

/** Tells the page (and the browser tests) that a complete drawing of the complaints is on screen. */
function announceRender() {
  renderCount += 1;
  document.body.dataset.renderCount = String(renderCount);
  document.body.dataset.mapReady = 'true';
}

export const ComplaintsLayer = L.Layer.extend({
  /** filters: {apiParams(), matches(point)} (see panels/filters.js); live: a LiveConnection. */
  initialize({ filters, live }) {
    this._filters = filters;
    this._live = live;
    this._points = [];
    this._bbox = null;
    this._markersByTicket = new Map();
  },

  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    map.on('moveend', this.refresh, this);
    this._unsubscribe = [
      this._live.subscribe((event) => this._applyEvent(event)),
      this._live.onResync(() => this.refresh()),
      onLangChange(() => this._relabel()),
    ];
    this.refresh();
  },

  onRemove(map) {
    map.off('moveend', this.refresh, this);
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._abort?.abort();
    clearTimeout(this._drawTimer);
    clearTimeout(this._refetchTimer);
    map.removeLayer(this._group);
    this._markersByTicket.clear();
  },

  /** Loads the complaints of the current view and filters, replacing what is drawn. */
  async refresh() {
    const map = this._map;
    if (!map) return;
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    const zoom = map.getZoom();
    const bbox = bboxOf(map, VIEW_PAD);
    const filters = this._filters.apiParams();
    try {
      if (zoom >= DETAIL_ZOOM) {
        const page = await getJson(`/api/complaints${query({ bbox: bbox.join(','), limit: DETAIL_LIMIT, ...filters })}`, { signal: abort.signal });
        this._points = page.features.map((feature) => ({ ...feature.properties, count: 1, detailLoaded: true }));
      } else {
        const cells = await getJson(`/api/complaints/clusters${query({ bbox: bbox.join(','), zoom, ...filters })}`, { signal: abort.signal });
        this._points = cells.features.map((feature) => ({
          ...feature.properties,
          lon: feature.geometry.coordinates[0],
          lat: feature.geometry.coordinates[1],
        }));
      }
    } catch (error) {
      if (error.name !== 'AbortError') console.warn('Ujar: complaints not loaded', error);
      return;
    }
    this._bbox = bbox;
    this._zoom = zoom;
    this._draw();
  },

  /** A complaint just filed from this browser: shown at once, whether or not the live feed is connected. */
  addFiled(point) {
    this._addPoint({ ...point, count: 1, supportCount: point.supportCount ?? 0 });
  },

  /** A support given from this browser: the marker's count follows at once. */
  setSupportCount(ticket, supportCount) {
    const point = this._pointByTicket(ticket);
    if (!point) return;
    point.supportCount = supportCount;
    this._updateMarker(point);
  },

  _applyEvent(event) {
    if (!this._bbox) return;
    const point = this._pointByTicket(event.ticket);
    if (event.type === 'complaint_filed') {
      this._addPoint({
        ticket: event.ticket, category: event.category, status: event.status, supportCount: event.supportCount,
        lat: event.lat, lon: event.lon, createdAt: event.at, count: 1,
      });
    } else if (event.type === 'status_changed') {
      if (point) {
        point.status = event.status;
        if (this._filters.matches(point)) this._updateMarker(point);
        else this._removePoint(point);
      } else if (bboxContains(this._bbox, event.lat, event.lon)) {
        // Inside a server-side cell, or newly matching the status filter: only the server can say how it counts now.
        this._refetchSoon();
      }
    } else if (event.type === 'support_changed' && point) {
      point.supportCount = event.supportCount;
      this._updateMarker(point);
    }
  },

  _addPoint(point) {
    if (!this._bbox || !bboxContains(this._bbox, point.lat, point.lon) || !this._filters.matches(point)) return;
    if (this._pointByTicket(point.ticket)) return;
    this._points.push(point);
    this._drawSoon();
  },

  _removePoint(point) {
    this._points = this._points.filter((p) => p !== point);
    this._drawSoon();
  },

  _pointByTicket(ticket) {
    return this._points.find((point) => point.count === 1 && point.ticket === ticket);
  },

  // Events come in bursts; one redraw per burst.
  _drawSoon() {
    clearTimeout(this._drawTimer);
    this._drawTimer = setTimeout(() => this._draw(), 50);
  },

  _refetchSoon() {
    clearTimeout(this._refetchTimer);
    this._refetchTimer = setTimeout(() => this.refresh(), 1000);
  },

  _draw() {
    clearTimeout(this._drawTimer);
    this._group.clearLayers();
    this._markersByTicket.clear();
    if (this._zoom >= DETAIL_ZOOM) {
      for (const point of this._points) this._addComplaintMarker(point);
    } else {
      this._drawClusters();
    }
    announceRender();
  },

  _drawClusters() {
    const index = new Supercluster({
      radius: CLUSTER_RADIUS_PX,
      maxZoom: DETAIL_ZOOM - 1,
      map: (properties) => ({ count: properties.count }),
      reduce: (accumulated, properties) => {
        accumulated.count += properties.count;
      },
    });
    index.load(this._points.map((point) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
      properties: point,
    })));
    for (const feature of index.getClusters(this._bbox, Math.floor(this._zoom))) {
      const [lon, lat] = feature.geometry.coordinates;
      const properties = feature.properties;
      if (!properties.cluster && properties.count === 1 && properties.ticket) {
        this._addComplaintMarker(properties);
      } else {
        const zoomTo = properties.cluster
          ? index.getClusterExpansionZoom(properties.cluster_id)
          : Math.floor(this._zoom) + 2;
        this._addClusterMarker(lat, lon, properties.count, Math.min(zoomTo, DETAIL_ZOOM));
      }
    }
  },

  _addClusterMarker(lat, lon, count, zoomTo) {
    const size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
    const icon = L.divIcon({
      className: `ujar-cluster ujar-cluster-${size}`,
      html: `<span>${count}</span>`,
      iconSize: null,
    });
    const marker = L.marker([lat, lon], { icon, title: t('popup.zoomIn', { n: count }) }).addTo(this._group);
    marker.getElement().setAttribute('aria-label', t('popup.zoomIn', { n: count }));
    marker.on('click', () => this._map.setView([lat, lon], zoomTo));
  },

  _addComplaintMarker(point) {
    const icon = L.divIcon({
      className: 'ujar-marker',
      html: `${categoryIcon(point.category)}<span class="marker-support"></span>`,
      iconSize: [30, 30],
      popupAnchor: [0, -14],
    });
    const marker = L.marker([point.lat, point.lon], { icon }).addTo(this._group);
    marker.bindPopup(() => this._popupContent(point), { minWidth: 200, maxWidth: 260 });
    marker.on('popupopen', () => this._completePoint(point, marker));
    this._markersByTicket.set(point.ticket, marker);
    this._decorate(marker.getElement(), point);
  },

  _decorate(element, point) {
    element.dataset.ticket = point.ticket;
    element.dataset.status = point.status;
    element.dataset.category = point.category;
    element.dataset.supportCount = String(point.supportCount ?? 0);
    element.querySelector('.marker-support').textContent = point.supportCount > 0 ? String(point.supportCount) : '';
    const label = t('marker.label', { category: categoryName(categoryByCode(point.category)), status: statusLabel(point.status), ticket: point.ticket });
    element.setAttribute('aria-label', label);
    element.title = label;
  },

  _updateMarker(point) {
    const marker = this._markersByTicket.get(point.ticket);
    if (!marker) return;
    this._decorate(marker.getElement(), point);
    if (marker.isPopupOpen()) marker.setPopupContent(this._popupContent(point));
  },

  _relabel() {
    for (const point of this._points) this._updateMarker(point);
  },

  // The grid cells carry no photo or support count; the popup fetches them the first time it opens.
  async _completePoint(point, marker) {
    if (point.detailLoaded) return;
    try {
      const detail = await getJson(`/api/complaints/${encodeURIComponent(point.ticket)}`);
      Object.assign(point, {
        thumbUrl: detail.complaint.thumbUrl,
        supportCount: detail.complaint.supportCount,
        status: detail.complaint.status,
        description: detail.complaint.description,
        detailLoaded: true,
      });
    } catch {
      return; // the popup keeps what it already shows
    }
    this._decorate(marker.getElement(), point);
    if (marker.isPopupOpen()) marker.setPopupContent(this._popupContent(point));
  },

  _popupContent(point) {
    const category = categoryByCode(point.category);
    return h('div', { class: 'complaint-popup', 'data-ticket': point.ticket },
      point.thumbUrl ? h('img', { class: 'popup-thumb', src: point.thumbUrl, alt: t('track.photoAlt', { ticket: point.ticket }), width: 240, height: 135 }) : null,
      h('p', { class: 'popup-category' }, svg(categoryIcon(point.category)), ' ', categoryName(category) || point.category),
      h('p', {},
        h('span', { class: 'status-badge', 'data-status': point.status }, statusLabel(point.status)),
        ' ',
        h('span', { class: 'popup-support' }, t('popup.supporters', { n: point.supportCount ?? 0 }))),
      point.description ? h('p', { class: 'popup-description' }, shorten(point.description, 140)) : null,
      h('p', { class: 'popup-ticket' }, point.ticket),
      h('a', { class: 'popup-link', href: `/lacak/${encodeURIComponent(point.ticket)}` }, t('popup.track')));
  },
});

const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
