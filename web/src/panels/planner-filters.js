// The planner's control bar (#planner-filters): layer, categories (several), status, time window (7/30/90 days, a
// custom from–to, or a season), hex cell size and distance band, FDR, DBSCAN eps / minimum points, choropleth measure.
// Like the citizens' filter bar it reads and writes the URL, so a planner can send a colleague exactly this map.
// The controls cannot form a request the server refuses: numbers are kept inside their ranges (the band inside the
// widest the cell size allows, as the last layer reported it), "to" never comes before "from", and the trend, which
// compares a period with the one before it, is never asked for without a period.

import { h, listen } from '../dom.js';
import { categoryName, OPEN_STATUSES, onLangChange, STATUSES, statusLabel, t } from '../i18n.js';
import { readQuery, updateQuery } from '../urlstate.js';

export const LAYERS = ['heatmap', 'hex', 'gi', 'clusters', 'kelurahan', 'trend'];
const WINDOWS = ['7', '30', '90', 'custom', 'hujan', 'kemarau', 'all'];
const SEASONS = ['hujan', 'kemarau'];
const MEASURES = ['count', 'perKm2', 'per1000'];
// The defaults and ranges; the server checks them again and answers 422 naming the field.
const NUMBERS = {
  cell: { min: 100, max: 1000, fallback: '250' },
  band: { min: 1, max: 100000, fallback: '' },
  eps: { min: 25, max: 500, fallback: '100' },
  minPoints: { min: 3, max: 50, fallback: '5' },
};
const DEFAULTS = { layer: 'hex', window: '30', measure: 'count' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// What a trend gets instead of "all time", which has no period before it to compare with.
const TREND_FALLBACK_WINDOW = '30';
const DAY_MS = 24 * 60 * 60 * 1000;

export class PlannerFilters {
  constructor(form, categories) {
    this._form = form;
    this._categories = categories;
    this._field = (id) => form.querySelector(`#planner-${id}`);
    this._listeners = new Set();
    this.state = this._stateFromUrl();
  }

  add() {
    const box = this._field('categories');
    for (const category of this._categories) {
      box.append(h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'category', value: category.code }), h('span', { 'data-category': category.code })));
    }
    for (const status of STATUSES) this._field('status').append(new Option('', status));
    const fromUrl = this.state;
    this.state = this._normalise(fromUrl);
    if (JSON.stringify(this.state) !== JSON.stringify(fromUrl)) this._remember();
    this._write();
    this._relabel();
    const picker = this._field('category-picker');
    this._unsubscribe = [
      listen(this._form, 'change', () => this._changed()),
      listen(this._form, 'submit', (event) => event.preventDefault()),
      listen(this._field('categories-clear'), 'click', () => {
        for (const box of this._form.querySelectorAll('input[name=category]')) box.checked = false;
        picker.open = false;
        this._changed();
      }),
      // A picker closes like a select: a click elsewhere or Escape.
      listen(document, 'click', (event) => {
        if (picker.open && !picker.contains(event.target)) picker.open = false;
      }),
      listen(picker, 'keydown', (event) => {
        if (event.key !== 'Escape' || !picker.open) return;
        picker.open = false;
        this._field('category-summary').focus();
      }),
      onLangChange(() => this._relabel()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
  }

  /** Calls listener after every change; returns the unsubscribe function. */
  onChange(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** The widest band the current cell size allows (the hex layer reports it): the band control stops there. */
  setBandLimit(max) {
    if (!Number.isInteger(max) || max < 1) return;
    this._field('band').max = String(max);
  }

  /** The filter part of every hotspot request: category, status, and days | from/to | season. */
  filterParams() {
    const { categories, status, window, from, to } = this.state;
    const params = { category: categories.join(','), status };
    if (['7', '30', '90'].includes(window)) params.days = window;
    else if (window === 'custom') Object.assign(params, { from, to });
    else if (SEASONS.includes(window)) params.season = window;
    return params;
  }

  /** The layer's own parameters on top of the filters (the band only when the planner set one). */
  layerParams() {
    const { layer, cell, band, fdr, eps, minPoints } = this.state;
    if (layer === 'hex' || layer === 'heatmap' || layer === 'trend') return { cell };
    if (layer === 'gi') return { cell, band, fdr: fdr ? 'true' : '' };
    if (layer === 'clusters') return { eps, minPoints };
    return {};
  }

  /** The same time window as GET /api/complaints can take it (from/to), for listing a cell's complaints. */
  complaintTimeParams() {
    const { window, from, to } = this.state;
    if (['7', '30', '90'].includes(window)) return { from: new Date(Date.now() - Number(window) * DAY_MS).toISOString() };
    if (window === 'custom') return { from, to };
    if (SEASONS.includes(window)) return { from: new Date(Date.now() - 365 * DAY_MS).toISOString() };
    return {};
  }

  /** Whether a complaint filed now ({category, status, createdAt}) falls inside the filters (live updates). */
  matches({ category, status, createdAt }) {
    const { categories, window, to } = this.state;
    if (categories.length && !categories.includes(category)) return false;
    if (this.state.status === 'open' && !OPEN_STATUSES.includes(status)) return false;
    if (this.state.status && this.state.status !== 'open' && status !== this.state.status) return false;
    // Dates and seasons are the city's: WIB, UTC+7. Seasons: hujan October–March, kemarau April–September.
    const wib = new Date(new Date(createdAt ?? Date.now()).getTime() + 7 * 60 * 60 * 1000);
    if (window === 'custom' && to && wib.toISOString().slice(0, 10) > to) return false;
    if (SEASONS.includes(window)) {
      const month = wib.getUTCMonth() + 1;
      const rainy = month >= 10 || month <= 3;
      if (rainy !== (window === 'hujan')) return false;
    }
    return true;
  }

  _stateFromUrl() {
    const params = readQuery();
    const get = (name) => params.get(name) ?? '';
    const codes = new Set(this._categories.map((c) => c.code));
    const number = (name) => {
      const { min, max, fallback } = NUMBERS[name];
      const value = Number(get(name));
      return get(name) !== '' && Number.isInteger(value) && value >= min && value <= max ? String(value) : fallback;
    };
    return {
      layer: LAYERS.includes(get('layer')) ? get('layer') : DEFAULTS.layer,
      categories: get('category').split(',').filter((code) => codes.has(code)),
      status: get('status') === 'open' || STATUSES.includes(get('status')) ? get('status') : '',
      window: WINDOWS.includes(get('window')) ? get('window') : DEFAULTS.window,
      from: DATE.test(get('from')) ? get('from') : '',
      to: DATE.test(get('to')) ? get('to') : '',
      cell: number('cell'),
      band: number('band'),
      fdr: get('fdr') === 'true',
      eps: number('eps'),
      minPoints: number('minPoints'),
      measure: MEASURES.includes(get('measure')) ? get('measure') : DEFAULTS.measure,
    };
  }

  _write() {
    const s = this.state;
    for (const box of this._form.querySelectorAll('input[name=category]')) box.checked = s.categories.includes(box.value);
    for (const name of ['layer', 'status', 'window', 'from', 'to', 'cell', 'band', 'eps', 'measure']) this._field(name).value = s[name];
    this._field('min-points').value = s.minPoints;
    this._field('fdr').checked = s.fdr;
    this._showRelevant();
  }

  _changed() {
    const read = (name) => this._field(name).value.trim();
    this.state = {
      layer: read('layer'),
      categories: [...this._form.querySelectorAll('input[name=category]:checked')].map((box) => box.value),
      status: read('status'),
      window: read('window'),
      from: read('from'),
      to: read('to'),
      cell: read('cell'),
      band: read('band'),
      fdr: this._field('fdr').checked,
      eps: read('eps'),
      minPoints: read('min-points'),
      measure: read('measure'),
    };
    this.state = this._normalise(this.state);
    this._write();
    this._summarise();
    this._remember();
    for (const listener of this._listeners) listener(this.state);
  }

  /** The state in the URL, so a reload or a shared link shows the same map. */
  _remember() {
    const s = this.state;
    updateQuery({
      layer: s.layer, category: s.categories.join(','), status: s.status, window: s.window,
      from: s.window === 'custom' ? s.from : '', to: s.window === 'custom' ? s.to : '',
      cell: s.cell, band: s.band, fdr: s.fdr ? 'true' : '', eps: s.eps, minPoints: s.minPoints, measure: s.measure,
    });
  }

  // Keeps the state one the server accepts. Numbers out of range are brought to the nearest bound (an empty band
  // means "automatic"); a date range is kept in order; a trend without a period gets 30 days, and a trend over chosen
  // dates without a start gets the 30 days before the end.
  _normalise(state) {
    const next = { ...state };
    for (const [name, { min, fallback }] of Object.entries(NUMBERS)) {
      if (next[name] === '' || next[name] === undefined) {
        next[name] = fallback;
        continue;
      }
      const max = name === 'band' ? Number(this._field('band').max || NUMBERS.band.max) : NUMBERS[name].max;
      const value = Math.round(Number(next[name]));
      next[name] = Number.isFinite(value) ? String(Math.min(max, Math.max(min, value))) : fallback;
    }
    if (next.window === 'custom' && DATE.test(next.from) && DATE.test(next.to) && next.from > next.to) next.to = next.from;
    if (next.layer === 'trend') {
      if (next.window === 'all') next.window = TREND_FALLBACK_WINDOW;
      if (next.window === 'custom' && !DATE.test(next.from)) {
        const end = DATE.test(next.to) ? new Date(`${next.to}T00:00:00Z`) : new Date(Date.now() + 7 * 60 * 60 * 1000);
        next.from = new Date(end.getTime() - 30 * DAY_MS).toISOString().slice(0, 10);
      }
    }
    return next;
  }

  // Only the controls of the chosen layer and window are shown; the others keep their values for later. Dates bound
  // each other; "all time" is not offered to the trend.
  _showRelevant() {
    for (const el of this._form.querySelectorAll('[data-for-layer]')) el.hidden = !el.dataset.forLayer.split(' ').includes(this.state.layer);
    for (const el of this._form.querySelectorAll('[data-for-window]')) el.hidden = el.dataset.forWindow !== this.state.window;
    const trend = this.state.layer === 'trend';
    const allTime = this._field('window').querySelector('option[value=all]');
    allTime.disabled = trend;
    allTime.title = trend ? t('planner.trendNeedsPeriod') : '';
    this._field('from').required = trend && this.state.window === 'custom';
    this._field('from').max = this.state.to;
    this._field('to').min = this.state.from;
  }

  _summarise() {
    const chosen = this.state.categories;
    const summary = this._field('category-summary');
    if (chosen.length === 1) {
      delete summary.dataset.i18n;
      summary.textContent = categoryName(this._categories.find((c) => c.code === chosen[0]));
    } else if (chosen.length > 1) {
      delete summary.dataset.i18n;
      summary.textContent = t('planner.categoriesChosen', { n: chosen.length });
    } else {
      summary.dataset.i18n = 'filter.allCategories';
      summary.textContent = t('filter.allCategories');
    }
  }

  _relabel() {
    for (const span of this._form.querySelectorAll('span[data-category]')) {
      span.textContent = categoryName(this._categories.find((c) => c.code === span.dataset.category));
    }
    for (const option of this._field('status').options) {
      if (STATUSES.includes(option.value)) option.textContent = statusLabel(option.value);
    }
    this._summarise();
  }
}
