// The planner's one visible layer: the server computes it (GET /api/hotspots/{hex|clusters|kelurahan|trend}, GeoJSON
// with the numbers as properties), this draws it with the legend that reads it. The heatmap is the hex counts at the
// chosen cell size drawn as kernel density (layers/heat.js), so the browser never holds the raw points.
//
// Live: a complaint_filed event that passes the filters (or, under a status filter, a status_changed event) asks for
// the layer again, at the latest LIVE_MAX_WAIT_MS after the first such event, LIVE_QUIET_MS after the last one, and
// never sooner than LIVE_MIN_GAP_MS after the previous fetch: a burst of 1,000 complaints costs a handful of
// recomputations, and one complaint shows within 5 s.

import L from 'leaflet';
import { getJson, query } from '../api.js';
import { formatNumber, lang, t } from '../i18n.js';
import { HEAT_COLOURS, HeatLayer } from './heat.js';

const LIVE_QUIET_MS = 1500;
const LIVE_MIN_GAP_MS = 3000;
const LIVE_MAX_WAIT_MS = 4000;

const ENDPOINT = { heatmap: 'hex', hex: 'hex', gi: 'hex', clusters: 'clusters', kelurahan: 'kelurahan', trend: 'trend' };

export const GI_BINS = [3, 2, 1, 0, -1, -2, -3];
const GI_COLOURS = { 3: '#b2182b', 2: '#ef8a62', 1: '#fddbc7', 0: '#f7f7f7', '-1': '#d1e5f0', '-2': '#67a9cf', '-3': '#2166ac' };
export const TRENDS = ['new', 'intensifying', 'persistent', 'diminishing', 'no_pattern'];
const TREND_COLOURS = { new: '#7c3aed', intensifying: '#dc2626', persistent: '#f59e0b', diminishing: '#16a34a', no_pattern: '#e5e7eb' };
/** The API labels trends in words ('no pattern'); keys and data attributes use them with underscores. */
export const trendKey = (label) => String(label).replaceAll(' ', '_');
// Five sequential classes (ColorBrewer YlOrRd) for counts and rates; zero and "no data" are their own entries.
const CLASS_COLOURS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'];
const ZERO_COLOUR = '#f8fafc';
const CLUSTER_COLOUR = '#9333ea';

/** The property a choropleth measure reads: the API's names. */
export const MEASURE_PROPERTY = { count: 'count', perKm2: 'perKm2', per1000: 'per1000' };

let renderCount = 0;

/** Tells the page (and the browser tests) that the layer for the current controls is drawn. */
function announceRender(kind) {
  renderCount += 1;
  document.body.dataset.plannerLayer = kind;
  document.body.dataset.plannerRenderCount = String(renderCount);
}

/** Class breaks for the positive values: up to five upper bounds at quantiles, repeated bounds merged. */
function classBreaks(values) {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const breaks = CLASS_COLOURS.map((_, i) => sorted[Math.ceil(((i + 1) / CLASS_COLOURS.length) * sorted.length) - 1]);
  return [...new Set(breaks)];
}

const classOf = (breaks, value) => breaks.findIndex((upper) => value <= upper);

/** An empty cell inside a hot spot: significant only through its neighbours (a neighbourhood effect). */
export const isNeighbourhoodEffect = (p) => p.count === 0 && p.bin > 0;

/** Whether a layer runs the hot spot test, so its legend explains it and warns when the data are too sparse. */
const TESTED = new Set(['gi', 'trend']);

export class HotspotsLayer {
  /** filters: a PlannerFilters; live: a LiveConnection; onSelect(feature, kind) on a click; onError(problem | null). */
  // legend (given to add): {items: <ul>, explain: <p>, sparse: <p>}.
  constructor(map, { filters, live, onSelect, onError }) {
    this._map = map;
    this._filters = filters;
    this._live = live;
    this._onSelect = onSelect;
    this._onError = onError;
    this._drawn = null;
    this._lastFetch = 0;
    this._firstPending = null;
  }

  add(legend) {
    this._legend = legend;
    this._unsubscribe = [
      this._live.subscribe((event) => this._applyEvent(event)),
      this._live.onResync(() => this.refresh()),
    ];
    return this.refresh();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    clearTimeout(this._liveTimer);
    this._abort?.abort();
    if (this._drawn) this._map.removeLayer(this._drawn);
  }

  get kind() {
    return this._filters.state.layer;
  }

  /** The API address of the visible layer, in GeoJSON or as a file (format 'csv' or 'gpkg', in the page's language). */
  url(format) {
    const kind = this.kind;
    const file = format ? { format, lang: lang() } : {};
    return `/api/hotspots/${ENDPOINT[kind]}${query({ ...this._filters.filterParams(), ...this._filters.layerParams(), ...file })}`;
  }

  /** Fetches the layer for the current controls and draws it in place of the previous one. */
  async refresh() {
    clearTimeout(this._liveTimer);
    this._firstPending = null;
    this._lastFetch = Date.now();
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    const kind = this.kind;
    let data;
    try {
      data = await getJson(this.url(), { signal: abort.signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      // A refusal from the server says what to change in its own words; a network failure gets ours.
      this._onError(error.problem ?? { localized: true, key: 'planner.loadFailed', detailKey: 'error.offlineDetail' });
      return;
    }
    this._onError(null);
    this.data = data;
    if (data.maxBand !== undefined) this._filters.setBandLimit(data.maxBand);
    if (this._drawn) this._map.removeLayer(this._drawn);
    this._drawn = kind === 'heatmap' ? this._heat(data) : this._vectors(kind, data);
    this._drawn.addTo(this._map);
    if (kind !== 'heatmap') this._markFeatures(kind);
    this.renderLegend();
    announceRender(kind);
  }

  _applyEvent(event) {
    if (!this._changesLayer(event)) return;
    const now = Date.now();
    this._firstPending ??= now;
    const due = Math.max(Math.min(now + LIVE_QUIET_MS, this._firstPending + LIVE_MAX_WAIT_MS), this._lastFetch + LIVE_MIN_GAP_MS);
    clearTimeout(this._liveTimer);
    this._liveTimer = setTimeout(() => this.refresh(), due - now);
  }

  // A new complaint passing the filters changes the layer; under a status filter, so does a status change of a
  // complaint of the chosen categories (it may leave or join the filter; its old status is not in the event).
  _changesLayer(event) {
    const { categories, status } = this._filters.state;
    if (event.type === 'complaint_filed') return this._filters.matches({ category: event.category, status: event.status, createdAt: event.at });
    if (event.type === 'status_changed') return Boolean(status) && (!categories.length || categories.includes(event.category));
    return false;
  }

  _heat(data) {
    const points = [];
    for (const feature of data.features) {
      const count = feature.properties.count;
      if (!count) continue;
      const [lon, lat] = centroid(feature.geometry);
      points.push({ lat, lon, weight: count });
    }
    return new HeatLayer(points, { radiusMetres: Number(data.cell ?? this._filters.state.cell) });
  }

  _vectors(kind, data) {
    const style = this._styler(kind, data);
    return L.geoJSON(data, {
      style: (feature) => ({ className: `hs-feature hs-${kind}`, weight: 1, color: '#475569', opacity: 0.7, fillOpacity: 0.7, ...style(feature.properties) }),
      onEachFeature: (feature, layer) => {
        layer.on('click', () => this._onSelect(feature, kind));
        if (kind === 'clusters') {
          layer.bindTooltip(String(feature.properties.count), { permanent: true, direction: 'center', className: 'hs-count', interactive: false });
        }
      },
    });
  }

  // The styling function of a layer; it also remembers what the legend needs to say.
  _styler(kind, data) {
    const props = data.features.map((f) => f.properties);
    if (kind === 'gi') return (p) => ({ fillColor: GI_COLOURS[p.bin] ?? GI_COLOURS[0], fillOpacity: p.bin ? 0.75 : 0.35 });
    if (kind === 'trend') return (p) => ({ fillColor: TREND_COLOURS[trendKey(p.trend)] ?? TREND_COLOURS.no_pattern });
    if (kind === 'clusters') return () => ({ fillColor: CLUSTER_COLOUR, color: CLUSTER_COLOUR, weight: 2, fillOpacity: 0.35 });
    const property = kind === 'kelurahan' ? MEASURE_PROPERTY[this._filters.state.measure] : 'count';
    const values = props.map((p) => p[property]).filter((v) => typeof v === 'number');
    const breaks = classBreaks(values);
    const positive = values.filter((v) => v > 0);
    this._classes = { breaks, lowest: Math.min(...positive), whole: positive.every(Number.isInteger) };
    return (p) => {
      const value = p[property];
      if (typeof value !== 'number') return { fillColor: '#ffffff', fillOpacity: 0.9, className: `hs-feature hs-${kind} hs-no-data` };
      if (value === 0) return { fillColor: ZERO_COLOUR, fillOpacity: 0.4 };
      return { fillColor: CLASS_COLOURS[classOf(breaks, value)] };
    };
  }

  // Numbers on the drawn paths, so the map can be read (and tested) without opening each feature. Clusters and
  // kelurahan are few, so each is also a keyboard stop opening its details; thousands of hex cells would not be.
  _markFeatures(kind) {
    const focusable = kind === 'clusters' || kind === 'kelurahan';
    this._drawn.eachLayer((layer) => {
      const el = layer.getElement?.();
      if (!el) return;
      const p = layer.feature.properties;
      el.dataset.count = String(p.count ?? '');
      if (kind === 'gi') el.dataset.bin = String(p.bin);
      if (kind === 'gi' && isNeighbourhoodEffect(p)) el.classList.add('hs-neighbourhood');
      if (kind === 'trend') el.dataset.trend = trendKey(p.trend);
      if (focusable) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'button');
        el.setAttribute('aria-label', t('planner.featureLabel', { name: p.name ?? t('layer.clusters'), n: p.count }));
        L.DomEvent.on(el, 'keydown', (event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          L.DomEvent.preventDefault(event);
          this._onSelect(layer.feature, kind);
        });
      }
    });
  }

  /** The legend of the visible layer, in the current language. */
  renderLegend() {
    const kind = this.kind;
    const items = [];
    const swatch = (colour, label, extra = {}) => items.push({ colour, label, ...extra });
    if (kind === 'gi') {
      for (const bin of GI_BINS) swatch(GI_COLOURS[bin], t(`gi.${bin}`), { bin });
    } else if (kind === 'trend') {
      for (const trend of TRENDS) swatch(TREND_COLOURS[trend], t(`trend.${trend}`), { trend });
    } else if (kind === 'clusters') {
      swatch(CLUSTER_COLOUR, t('planner.clusterItem'));
    } else if (kind === 'heatmap') {
      swatch(`linear-gradient(90deg, ${HEAT_COLOURS.join(', ')})`, `${t('planner.heatLow')} → ${t('planner.heatHigh')}`, { gradient: true });
    } else if (this._classes) {
      if (kind === 'hex') swatch(ZERO_COLOUR, t('planner.zero'));
      // Classes of whole counts read 1 – 3, 4 – 6; rates read from one bound to the next.
      const { breaks, lowest, whole } = this._classes;
      let lower = lowest;
      for (const [i, upper] of breaks.entries()) {
        swatch(CLASS_COLOURS[i], lower === upper ? formatNumber(upper) : `${formatNumber(lower)} – ${formatNumber(upper)}`);
        lower = whole ? upper + 1 : upper;
      }
      if (kind === 'kelurahan') swatch('#ffffff', t('planner.noData'), { noData: true });
    }
    this._legend.items.replaceChildren(...items.map((item) => {
      const li = document.createElement('li');
      const box = document.createElement('span');
      box.className = `legend-swatch${item.noData ? ' hs-no-data-swatch' : ''}`;
      box.style.background = item.colour;
      li.append(box, item.label);
      if (item.bin !== undefined) li.dataset.bin = String(item.bin);
      if (item.trend) li.dataset.trend = item.trend;
      return li;
    }));
    if (kind === 'gi' && this.data?.band) {
      const li = document.createElement('li');
      li.className = 'legend-note';
      li.textContent = t('planner.bandUsed', { m: `${formatNumber(this.data.band)} m` });
      this._legend.items.append(li);
    }
    const tested = TESTED.has(kind) && this.data;
    this._legend.explain.hidden = kind !== 'gi' || !this.data;
    if (!this._legend.explain.hidden) this._legend.explain.textContent = t('planner.giExplain', { band: `${formatNumber(this.data.band)} m` });
    this._legend.sparse.hidden = !(tested && this.data.sparse);
    if (!this._legend.sparse.hidden) {
      this._legend.sparse.textContent = t('planner.sparse', { empty: formatNumber(this.data.emptyCells), cells: formatNumber(this.data.cells) });
    }
  }
}

/** The mean of a polygon's outer ring (or a multipolygon's first): close enough to place a hex cell's kernel. */
export function centroid(geometry) {
  const ring = geometry.type === 'MultiPolygon' ? geometry.coordinates[0][0] : geometry.coordinates[0];
  const points = ring.slice(0, -1);
  const sum = points.reduce(([x, y], [px, py]) => [x + px, y + py], [0, 0]);
  return [sum[0] / points.length, sum[1] / points.length];
}
