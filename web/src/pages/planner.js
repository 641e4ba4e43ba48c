// Page `/perencana`: the planners' map. One hotspot layer at a time (layers/hotspots.js) under the control bar
// (panels/planner-filters.js), its legend, a details panel for a clicked cell / cluster / kelurahan listing the
// complaints inside it, and download links for the visible layer as the API gives it (GeoJSON or CSV).

import { getJson, query, showProblem } from '../api.js';
import { categoryByCode, loadCategories } from '../categories.js';
import { fromTemplate, h, listen } from '../dom.js';
import { categoryName, formatDateTime, OPEN_STATUSES, onLangChange, statusLabel, t, translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { HotspotsLayer, trendKey } from '../layers/hotspots.js';
import { createMap, followViewInUrl, viewFromUrl } from '../map.js';
import { PlannerFilters } from '../panels/planner-filters.js';

const COMPLAINT_LIMIT = 1000;
// Properties with a name in i18n.js (prop.*); any other is shown by its API name.
const PROPERTY_LABELS = new Set(['name', 'count', 'z', 'p', 'bin', 'trend', 'categories', 'dominantCategory', 'first', 'last',
  'kelurahanNames', 'areaKm2', 'perKm2', 'population', 'per1000', 'previousCount']);
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T/;

/** Builds the page in root; returns the function that takes it down again. */
export async function mountPlannerPage(root, live) {
  const [config, categories] = await Promise.all([getJson('/api/config'), loadCategories()]);
  root.replaceChildren(fromTemplate('page-planner'));
  translate(root);
  document.title = `${t('planner.title')} · Ujar`;

  const filters = new PlannerFilters(root.querySelector('#planner-filters'), categories);
  filters.add();
  const map = createMap(root.querySelector('#map'), config, viewFromUrl() ?? { center: config.center, zoom: config.zoom });
  const boundaries = new BoundariesLayer().addTo(map);
  const errorBox = root.querySelector('#planner-error');
  const details = new DetailsPanel(root.querySelector('#planner-details'), filters);
  const hotspots = new HotspotsLayer(map, {
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
  };
  const updateExports = () => {
    const stamp = new Date().toISOString().slice(0, 10);
    exports.geojson.href = hotspots.url();
    exports.geojson.download = `ujar-${hotspots.kind}-${stamp}.geojson`;
    exports.csv.href = hotspots.url('csv');
    exports.csv.download = `ujar-${hotspots.kind}-${stamp}.csv`;
  };
  updateExports();

  const stops = [
    filters.onChange(() => {
      details.hide();
      updateExports();
      hotspots.refresh();
    }),
    onLangChange(() => {
      hotspots.renderLegend();
      details.relabel();
    }),
    listen(root.querySelector('#btn-close-details'), 'click', () => details.hide()),
    followViewInUrl(map),
  ];
  // The layers cover the whole city whatever the view, so a complaint anywhere may change what is drawn.
  live.watchCity();
  await hotspots.add(root.querySelector('#planner-legend-items'));
  return () => {
    for (const stop of stops) stop();
    hotspots.remove();
    details.hide();
    filters.remove();
    map.removeLayer(boundaries);
    map.remove();
    root.replaceChildren();
  };
}

/** The numbers of one feature and the complaints inside it. */
class DetailsPanel {
  constructor(section, filters) {
    this._section = section;
    this._filters = filters;
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
    const rows = [];
    for (const [key, value] of Object.entries(this._feature.properties)) {
      if (value === undefined) continue;
      rows.push(h('dt', {}, PROPERTY_LABELS.has(key) ? t(`prop.${key}`) : key), h('dd', { 'data-prop': key }, describe(key, value)));
    }
    this._numbers.replaceChildren(...rows);
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

function describe(key, value) {
  // A missing population is "no data", never zero.
  if (value === null) return t('planner.noData');
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? v.name ?? Object.values(v).join(' ') : String(v))).join(', ');
  if (typeof value === 'object') return Object.entries(value).map(([k, n]) => `${categoryName(categoryByCode(k)) || k}: ${n}`).join(', ');
  if (key === 'bin') return `${value} (${t(`gi.${value}`)})`;
  if (key === 'trend') return t(`trend.${trendKey(value)}`);
  if (key === 'dominantCategory') return categoryName(categoryByCode(value)) || value;
  if (typeof value === 'string' && TIMESTAMP.test(value)) return formatDateTime(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return String(value);
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
