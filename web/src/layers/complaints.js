// The complaints on the map. Below DETAIL_ZOOM the server aggregates on a grid (GET /api/complaints/clusters) and
// supercluster merges those cells into what fits the screen, so a city of 100,000 complaints costs a few hundred
// light DOM icons. From DETAIL_ZOOM the complaints themselves arrive (GET /api/complaints?bbox=&limit=1000).
// Every pan aborts the request of the view it leaves. Live events change the loaded points in place: a new
// complaint in view appears at once, a status or support change updates its marker. Complaints that would cover
// each other on screen are spread on a small circle around their spot, a thin leg pointing back to it. Markers are not
// tab stops (keyboard users get the list of what is drawn through onDraw, see panels/map-side.js).

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
// Two complaints closer than this on screen are spread apart (a marker is 30 px wide).
const SPREAD_PX = 24;

let renderCount = 0;

/** Tells the page (and the browser tests) that a complete drawing of the complaints is on screen. */
function announceRender() {
  renderCount += 1;
  document.body.dataset.renderCount = String(renderCount);
  document.body.dataset.mapReady = 'true';
}

export const ComplaintsLayer = L.Layer.extend({
  /** filters: {apiParams(), matches(point)} (see panels/filters.js); live: a LiveConnection; onDraw(items): after
   *  each drawing, what is on screen ({point} per complaint, {lat, lon, count, zoomTo} per cluster). */
  initialize({ filters, live, onDraw }) {
    this._filters = filters;
    this._live = live;
    this._onDraw = onDraw;
    this._points = [];
    this._bbox = null;
    this._markers = new Map();
    this._eventsDuringLoad = null;
  },

  onAdd(map) {
    this._group = L.layerGroup().addTo(map);
    this._legs = L.layerGroup().addTo(map);
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
    map.removeLayer(this._legs);
    this._markers.clear();
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
    // The answer may predate events that arrive while it loads: they are applied again on top of it.
    this._eventsDuringLoad = [];
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
      if (error.name === 'AbortError') return; // a newer load took over
      console.warn('Ujar: complaints not loaded', error);
      this._eventsDuringLoad = null;
      return;
    }
    this._bbox = bbox;
    this._zoom = zoom;
    const missed = this._eventsDuringLoad;
    this._eventsDuringLoad = null;
    for (const event of missed) this._applyEvent(event);
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
    this._eventsDuringLoad?.push(event);
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
      } else if (this._filters.state.status && bboxContains(this._bbox, event.lat, event.lon)) {
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

  // Markers are kept between draws by key (a complaint by its ticket, a cluster by place and count) and only what
  // changed is touched: a pan keeps the DOM of what stays in view, and an open popup stays open.
  _draw() {
    clearTimeout(this._drawTimer);
    const wanted = new Map((this._zoom >= DETAIL_ZOOM ? this._points.map(complaintItem) : this._clusterItems())
      .map((item) => [item.key, item]));
    for (const [key, marker] of this._markers) {
      if (wanted.has(key)) continue;
      this._group.removeLayer(marker);
      this._markers.delete(key);
    }
    for (const [key, item] of wanted) {
      const marker = this._markers.get(key);
      if (!marker) {
        this._markers.set(key, item.point ? this._complaintMarker(item.point) : this._clusterMarker(item));
      } else if (item.point) {
        // Grid cells carry less than a popup fetched (photo, description): keep what is already known.
        for (const [field, value] of Object.entries(marker.point)) if (!(field in item.point)) item.point[field] = value;
        marker.point = item.point;
        this._decorate(marker);
      } else {
        marker.zoomTo = item.zoomTo;
      }
    }
    this._spread([...wanted.values()].filter((item) => item.point));
    this._onDraw?.([...wanted.values()]);
    announceRender();
  },

  // Markers closer than SPREAD_PX on screen are grouped (each joins the first group whose centre is that near) and a
  // group is laid out on a circle around its centre, each with a leg to its true spot; the rest sit where they are.
  _spread(items) {
    this._legs.clearLayers();
    const groups = [];
    for (const item of items) {
      const at = this._map.latLngToLayerPoint([item.point.lat, item.point.lon]);
      const group = groups.find((g) => g.centre.distanceTo(at) < SPREAD_PX);
      if (group) group.members.push({ item, at });
      else groups.push({ centre: at, members: [{ item, at }] });
    }
    for (const { centre, members } of groups) {
      const radius = Math.max(SPREAD_PX, (members.length * 32) / (2 * Math.PI));
      members.forEach(({ item }, index) => {
        const marker = this._markers.get(item.key);
        const home = L.latLng(item.point.lat, item.point.lon);
        if (members.length === 1) {
          marker.setLatLng(home);
          delete marker.getElement().dataset.spread;
          return;
        }
        const angle = (2 * Math.PI * index) / members.length - Math.PI / 2;
        const shown = this._map.layerPointToLatLng(centre.add(L.point(radius * Math.cos(angle), radius * Math.sin(angle))));
        marker.setLatLng(shown);
        marker.getElement().dataset.spread = 'true';
        L.polyline([home, shown], { className: 'spread-leg', interactive: false, weight: 1.5 }).addTo(this._legs);
      });
    }
  },

  _clusterItems() {
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
    const zoom = Math.floor(this._zoom);
    return index.getClusters(this._bbox, zoom).map((feature) => {
      const [lon, lat] = feature.geometry.coordinates;
      const properties = feature.properties;
      if (!properties.cluster && properties.count === 1 && properties.ticket) return complaintItem(properties);
      // A supercluster cluster opens at its expansion zoom; a server cell that stayed alone, two levels closer.
      const zoomTo = properties.cluster ? index.getClusterExpansionZoom(properties.cluster_id) : zoom + 2;
      const { count } = properties;
      return { key: `c:${lat.toFixed(6)}:${lon.toFixed(6)}:${count}`, lat, lon, count, zoomTo: Math.min(zoomTo, DETAIL_ZOOM) };
    });
  },

  _clusterMarker({ lat, lon, count, zoomTo }) {
    const size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
    const icon = L.divIcon({ className: `ujar-cluster ujar-cluster-${size}`, html: `<span>${count}</span>`, iconSize: null });
    const marker = L.marker([lat, lon], { icon, keyboard: false }).addTo(this._group);
    marker.count = count;
    marker.zoomTo = zoomTo;
    marker.on('click', () => this._map.setView([lat, lon], marker.zoomTo));
    this._labelCluster(marker);
    return marker;
  },

  _labelCluster(marker) {
    const label = t('popup.zoomIn', { n: marker.count });
    marker.getElement().setAttribute('aria-label', label);
    marker.getElement().title = label;
  },

  _complaintMarker(point) {
    const icon = L.divIcon({
      className: 'ujar-marker',
      html: `${categoryIcon(point.category)}<span class="marker-support"></span>`,
      iconSize: [30, 30],
      popupAnchor: [0, -14],
    });
    const marker = L.marker([point.lat, point.lon], { icon, keyboard: false }).addTo(this._group);
    marker.point = point;
    marker.bindPopup(() => this._popupContent(marker.point), { minWidth: 200, maxWidth: 260 });
    marker.on('popupopen', () => this._completePoint(marker));
    this._decorate(marker);
    return marker;
  },

  _decorate(marker) {
    const { point } = marker;
    const element = marker.getElement();
    element.dataset.ticket = point.ticket;
    element.dataset.status = point.status;
    element.dataset.category = point.category;
    element.dataset.supportCount = String(point.supportCount ?? 0);
    element.querySelector('.marker-support').textContent = point.supportCount > 0 ? String(point.supportCount) : '';
    const label = t('marker.label', { category: categoryName(categoryByCode(point.category)), status: statusLabel(point.status), ticket: point.ticket });
    element.setAttribute('aria-label', label);
    element.title = label;
    if (marker.isPopupOpen()) marker.setPopupContent(this._popupContent(point));
  },

  _updateMarker(point) {
    const marker = this._markers.get(complaintKey(point.ticket));
    if (marker) this._decorate(marker);
  },

  _relabel() {
    for (const marker of this._markers.values()) {
      if (marker.point) this._decorate(marker);
      else this._labelCluster(marker);
    }
  },

  // The grid cells carry no photo or support count; the popup fetches them the first time it opens.
  async _completePoint(marker) {
    const { point } = marker;
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
    this._decorate(marker);
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

const complaintKey = (ticket) => `t:${ticket}`;
const complaintItem = (point) => ({ key: complaintKey(point.ticket), point });
const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
