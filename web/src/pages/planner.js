// Page `/perencana`: the planners' map. One hotspot layer at a time (layers/hotspots.js) under the control bar
// (panels/planner-filters.js), its legend (folded on a phone), a details panel that says in words what a clicked
// cell / cluster / kelurahan means and lists the complaints inside it, the charts (panels/planner-charts.js), and
// download links for the visible layer as the API gives it (GeoJSON, CSV or GeoPackage, in the page's language).

import L from 'leaflet';
import { getJson, query, showProblem } from '../api.js';
import { categoryByCode, loadCategories } from '../categories.js';
import { fromTemplate, h, listen } from '../dom.js';
import {
  categoryName, formatDateTime, formatNumber, OPEN_STATUSES, onLangChange, statusLabel, t, translate,
} from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { HotspotsLayer, isNeighbourhoodEffect, trendKey } from '../layers/hotspots.js';
import { createMap, followViewInUrl, viewFromUrl } from '../map.js';
import { PlannerFilters } from '../panels/planner-filters.js';

const COMPLAINT_LIMIT = 1000;
// What the details panel shows of each layer's feature, in this order: the planner's words, never the API's raw
// fields (cell addresses, p-values in scientific notation, English labels).
const SHOWN = {
  heatmap: ['count'],
  hex: ['count'],
  gi: ['count', 'bin', 'chance', 'z'],
  trend: ['trend', 'count', 'previousCount', 'bin', 'previousBin'],
  clusters: ['count', 'dominantCategory', 'categories', 'first', 'last', 'kelurahanNames'],
  kelurahan: ['name', 'kecamatanName', 'count', 'areaKm2', 'perKm2', 'population', 'per1000'],
};
// Where the phone layout begins (styles.css): there the legend starts folded, so it does not cover the map.
const PHONE = '(max-width: 759px)';

/** Builds the page in root; returns the function that takes it down again. */
export async function mountPlannerPage(root, live) {
  // Chart.js comes in its own chunk, so the citizens' map never downloads it.
  const [config, categories, { PlannerCharts }] = await Promise.all([
    getJson('/api/config'), loadCategories(), import('../panels/planner-charts.js'),
  ]);
  root.replaceChildren(fromTemplate('page-planner'));
  translate(root);
  document.title = `${t('planner.title')} · Ujar`;

  const filters = new PlannerFilters(root.querySelector('#planner-filters'), categories);
  filters.add();
  const map = createMap(root.querySelector('#map'), config, viewFromUrl() ?? { center: config.center, zoom: config.zoom });
  const boundaries = new BoundariesLayer().addTo(map);
  // Leaflet's own zoom buttons are named in English: ours speak the page's language.
  map.zoomControl.remove();
  let zoom = null;
  const labelZoom = () => {
    zoom?.remove();
    zoom = L.control.zoom({ zoomInTitle: t('planner.zoomIn'), zoomOutTitle: t('planner.zoomOut') }).addTo(map);
  };
  labelZoom();
  const errorBox = root.querySelector('#planner-error');
  const legend = root.querySelector('#planner-legend');
  if (window.matchMedia(PHONE).matches) legend.open = false;
  const charts = new PlannerCharts(root.querySelector('#planner-charts'), filters);
  charts.add();
  let hotspots;
  const details = new DetailsPanel(root.querySelector('#planner-details'), filters, () => hotspots.data?.band);
  hotspots = new HotspotsLayer(map, {
    filters,
    live,
    onSelect: (feature, kind) => details.show(feature, kind),
    onError: (problem) => {
      if (problem) showProblem(errorBox, problem);
      else errorBox.hidden = true;
    },
  });

  const exports = {
    geojson: root.querySelector('#planner-export-geojson'),
    csv: root.querySelector('#planner-export-csv'),
    gpkg: root.querySelector('#planner-export-gpkg'),
  };
  const updateExports = () => {
    const stamp = new Date().toISOString().slice(0, 10);
    for (const [format, link] of Object.entries(exports)) {
      link.href = hotspots.url(format === 'geojson' ? undefined : format);
      link.download = `ujar-${hotspots.kind}-${stamp}.${format}`;
    }
  };
  updateExports();

  const stops = [
    filters.onChange(() => {
      details.hide();
      updateExports();
      hotspots.refresh();
      charts.refresh();
    }),
    onLangChange(() => {
      labelZoom();
      hotspots.renderLegend();
      details.relabel();
      updateExports();
    }),
    listen(root.querySelector('#btn-close-details'), 'click', () => details.hide()),
    followViewInUrl(map),
  ];
  // The layers cover the whole city whatever the view, so a complaint anywhere may change what is drawn.
  live.watchCity();
  await hotspots.add({
    items: root.querySelector('#planner-legend-items'),
    explain: root.querySelector('#planner-legend-explain'),
    sparse: root.querySelector('#planner-sparse'),
  });
  return () => {
    for (const stop of stops) stop();
    hotspots.remove();
    charts.remove();
    details.hide();
    filters.remove();
    map.removeLayer(boundaries);
    map.remove();
    root.replaceChildren();
  };
}

/** The numbers of one feature and the complaints inside it. */
class DetailsPanel {
  constructor(section, filters, band) {
    this._section = section;
    this._filters = filters;
    this._band = band;
    this._meaning = section.querySelector('#planner-meaning');
    this._numbers = section.querySelector('#planner-numbers');
    this._list = section.querySelector('#planner-complaints');
    this._note = section.querySelector('#planner-complaints-note');
  }

  show(feature, kind) {
    this._feature = feature;
    this._kind = kind;
    this._section.hidden = false;
    this._section.dataset.layer = kind;
    this._renderNumbers();
    this._section.querySelector('#planner-details-title').focus();
    this._loadComplaints(feature);
  }

  hide() {
    this._abort?.abort();
    this._feature = null;
    this._section.hidden = true;
  }

  relabel() {
    if (!this._feature) return;
    this._renderNumbers();
    this._loadComplaints(this._feature);
  }

  _renderNumbers() {
    const p = this._feature.properties;
    const rows = [];
    for (const key of SHOWN[this._kind] ?? ['count']) {
      const value = key === 'chance' ? p.p : p[key];
      if (value === undefined) continue;
      rows.push(h('dt', {}, t(`prop.${key}`)), h('dd', { 'data-prop': key }, describe(key, value, p)));
    }
    this._numbers.replaceChildren(...rows);
    const meaning = this._meaningOf(p);
    this._meaning.hidden = !meaning;
    this._meaning.textContent = meaning;
  }

  // One or two sentences saying what the numbers mean, for the layers that run the hot spot test.
  _meaningOf(p) {
    const band = `${formatNumber(this._band() ?? 0)} m`;
    if (this._kind === 'trend') return t('planner.meaning.trend', { before: formatNumber(p.previousCount), now: formatNumber(p.count) });
    if (this._kind !== 'gi') return '';
    if (isNeighbourhoodEffect(p)) return t('planner.meaning.neighbourhood');
    if (p.bin === 0) return t('planner.meaning.gi.none');
    const chance = { 3: 1, 2: 5, 1: 10 }[Math.abs(p.bin)];
    return t(p.bin > 0 ? 'planner.meaning.gi.hot' : 'planner.meaning.gi.cold', { band, chance });
  }

  // The complaints in the feature's bounds from GET /api/complaints, kept when they lie inside the feature itself
  // and pass the filters the list endpoint cannot express (seasons).
  async _loadComplaints(feature) {
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._list.replaceChildren();
    this._note.textContent = t('planner.loadingComplaints');
    const { category, status } = this._filters.filterParams();
    const params = {
      bbox: boundsOf(feature.geometry).join(','),
      category,
      status: status === 'open' ? OPEN_STATUSES.join(',') : status,
      ...this._filters.complaintTimeParams(),
      limit: COMPLAINT_LIMIT,
    };
    let page;
    try {
      page = await getJson(`/api/complaints${query(params)}`, { signal: abort.signal });
    } catch (error) {
      if (error.name !== 'AbortError') this._note.textContent = error.problem ? String(error.problem.title ?? error) : String(error);
      return;
    }
    const inside = page.features.filter((f) =>
      contains(feature.geometry, f.geometry.coordinates) && this._filters.matches(f.properties));
    this._list.replaceChildren(...inside.map(({ properties: c }) => h('li', { 'data-ticket': c.ticket },
      h('a', { href: `/lacak/${encodeURIComponent(c.ticket)}` }, c.ticket), ' ',
      categoryName(categoryByCode(c.category)), ' · ', statusLabel(c.status))));
    this._note.textContent = inside.length === 0 ? t('planner.noComplaints')
      : page.nextCursor ? t('planner.manyComplaints', { n: COMPLAINT_LIMIT }) : '';
  }
}

/** A property in words and in the page's number format. */
function describe(key, value, p) {
  // A missing population is "no data", never zero.
  if (value === null) return t('planner.noData');
  switch (key) {
    case 'bin':
    case 'previousBin':
      return t(`gi.${value}`);
    case 'trend':
      return t(`trend.${trendKey(value)}`);
    case 'chance':
      // The two-sided p-value as the chance that chance alone made the pattern.
      return value < 0.001 ? t('planner.chanceBelow', { p: `${formatNumber(0.1, 1)} %` }) : `${formatNumber(value * 100, 1)} %`;
    case 'dominantCategory':
      return categoryName(categoryByCode(value)) || value;
    case 'categories':
      return Object.entries(value).map(([code, n]) => `${categoryName(categoryByCode(code)) || code}: ${formatNumber(n)}`).join(', ');
    case 'kelurahanNames':
      return value.join(', ');
    case 'first':
    case 'last':
      return formatDateTime(value);
    case 'population':
      return p.populationYear ? `${formatNumber(value)} (${p.populationYear})` : formatNumber(value);
    default:
      return typeof value === 'number' ? formatNumber(value) : String(value);
  }
}

const polygonsOf = (geometry) => (geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates]);

/** [minLon, minLat, maxLon, maxLat] of a (multi)polygon. */
function boundsOf(geometry) {
  const points = polygonsOf(geometry).flatMap((polygon) => polygon[0]);
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** Whether [lon, lat] is inside the (multi)polygon: even-odd ray casting over all rings, so holes count out. */
function contains(geometry, [x, y]) {
  return polygonsOf(geometry).some((polygon) => {
    let inside = false;
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  });
}
