// The planner's charts (#planner-charts), for the same filters as the map: complaints per week stacked by category with
// the wettest months shaded (GET /api/hotspots/weekly), the category breakdown (each category's total of the same
// answer), and the kelurahan ranking by count, per km² or per 1,000 residents (GET /api/hotspots/kelurahan; a
// kelurahan without a population figure is left out of that ranking and counted in a note, never drawn as 0).
// Drawn by Chart.js. The panel is folded by default and fetches only while open. Each canvas carries a one-line
// summary as its accessible name; body[data-planner-charts] counts the renders (the tests wait for it).

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from 'chart.js';
import { getJson, query } from '../api.js';
import { categoryByCode } from '../categories.js';
import { categoryName, formatNumber, lang, onLangChange, t } from '../i18n.js';
import { listen } from '../dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// More stacked categories than this are summed as "others": a planner reads six colours, not twenty.
const MAX_SERIES = 6;
const WET_COLOUR = 'rgba(37, 99, 235, 0.12)';
// One colour per stacked category, told apart by colour-blind readers too (after Okabe & Ito); "others" in grey.
const SERIES_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#d55e00', '#56b4e9'];
const OTHERS_COLOUR = '#94a3b8';
const BAR_COLOUR = '#0f766e';

let renders = 0;

export class PlannerCharts {
  constructor(section, filters) {
    this._section = section;
    this._filters = filters;
    this._charts = {};
    this._note = section.querySelector('#planner-charts-note');
    this._measure = section.querySelector('#chart-measure');
    this._missing = section.querySelector('#chart-kelurahan-missing');
  }

  add() {
    this._unsubscribe = [
      listen(this._section, 'toggle', () => this._section.open && this.refresh()),
      listen(this._measure, 'change', () => this._drawKelurahan()),
      onLangChange(() => this._draw()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._abort?.abort();
    for (const chart of Object.values(this._charts)) chart.destroy();
  }

  /** Fetches the figures for the current filters and draws them; nothing while the panel is folded. */
  async refresh() {
    if (!this._section.open) return;
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._note.textContent = t('planner.chartsLoading');
    const filter = query(this._filters.filterParams());
    try {
      [this._weekly, this._kelurahan] = await Promise.all([
        getJson(`/api/hotspots/weekly${filter}`, { signal: abort.signal }),
        getJson(`/api/hotspots/kelurahan${filter}`, { signal: abort.signal }),
      ]);
    } catch (error) {
      if (error.name !== 'AbortError') this._note.textContent = error.problem ? String(error.problem.title) : t('planner.loadFailed');
      return;
    }
    this._draw();
  }

  _draw() {
    if (!this._weekly) return;
    this._note.textContent = this._weekly.total === 0 ? t('planner.chartsEmpty') : '';
    this._drawWeekly();
    this._drawCategories();
    this._drawKelurahan();
    renders += 1;
    document.body.dataset.plannerCharts = String(renders);
  }

  _chart(id, config, summary) {
    const canvas = this._section.querySelector(`#${id}`);
    this._charts[id]?.destroy();
    // No animation: the figures are read, not watched, and a test sees the final state at once.
    this._charts[id] = new Chart(canvas, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, locale: locale(), ...config.options },
    });
    canvas.setAttribute('aria-label', summary);
  }

  // Stacked bars per week, one colour per category, the wettest months as a pale band behind them (a bar on a hidden
  // axis of its own, so it spans the chart's height whatever the counts).
  _drawWeekly() {
    const { weeks, series, total, wetMonths } = this._weekly;
    const shown = series.slice(0, MAX_SERIES);
    const others = series.slice(MAX_SERIES);
    const datasets = shown.map((s, i) => ({
      label: nameOf(s.category), data: s.counts, stack: 'complaints', yAxisID: 'y', backgroundColor: SERIES_COLOURS[i],
    }));
    if (others.length) {
      datasets.push({
        label: t('chart.others'), stack: 'complaints', yAxisID: 'y', backgroundColor: OTHERS_COLOUR,
        data: weeks.map((_, i) => others.reduce((sum, s) => sum + s.counts[i], 0)),
      });
    }
    const wet = new Set(wetMonths);
    datasets.push({
      label: t('chart.wetMonths', { months: monthNames(wetMonths) }),
      data: weeks.map((week) => (wet.has(Number(week.slice(5, 7))) ? 1 : 0)),
      // In the complaints' stack so it spans the whole week's slot (stacks are summed per axis, so it adds nothing to
      // the counts); a higher order draws it first, behind the bars.
      stack: 'complaints', yAxisID: 'season', backgroundColor: WET_COLOUR, borderWidth: 0, barPercentage: 1, categoryPercentage: 1, order: 1,
    });
    this._chart('chart-weekly', {
      type: 'bar',
      data: { labels: weeks.map(shortDate), datasets },
      options: {
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          season: { display: false, min: 0, max: 1 },
        },
        plugins: {
          tooltip: {
            filter: (item) => item.dataset.yAxisID !== 'season',
            callbacks: { title: (items) => t('chart.weekOf', { date: shortDate(weeks[items[0].dataIndex]) }) },
          },
        },
      },
    }, t('chart.weeklySummary', { total: formatNumber(total), weeks: formatNumber(weeks.length) }));
  }

  _drawCategories() {
    const { series } = this._weekly;
    this._chart('chart-categories', {
      type: 'bar',
      data: { labels: series.map((s) => nameOf(s.category)), datasets: [{ label: t('measure.count'), data: series.map((s) => s.total), backgroundColor: BAR_COLOUR }] },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
    }, t('chart.categoriesSummary', { n: series.length, top: series[0] ? `${nameOf(series[0].category)} (${formatNumber(series[0].total)})` : '–' }));
  }

  _drawKelurahan() {
    if (!this._kelurahan) return;
    const measure = this._measure.value;
    const rows = this._kelurahan.features.map((f) => f.properties);
    const ranked = rows.filter((p) => typeof p[measure] === 'number').sort((a, b) => b[measure] - a[measure]);
    const missing = rows.length - ranked.length;
    this._missing.hidden = missing === 0;
    this._missing.textContent = missing ? t('chart.noPopulation', { n: missing }) : '';
    this._chart('chart-kelurahan', {
      type: 'bar',
      data: {
        labels: ranked.map((p) => p.name),
        datasets: [{ label: t(`measure.${measure}`), data: ranked.map((p) => p[measure]), backgroundColor: BAR_COLOUR }],
      },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true } }, plugins: { legend: { display: false } } },
    }, t('chart.kelurahanSummary', { n: ranked.length, top: ranked[0] ? `${ranked[0].name} (${formatNumber(ranked[0][measure])})` : '–' }));
  }
}

const locale = () => (lang() === 'en' ? 'en-GB' : 'id-ID');
const nameOf = (code) => categoryName(categoryByCode(code)) || code;
const shortDate = (iso) => new Date(`${iso}T00:00:00Z`).toLocaleDateString(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "Nov–Jan" for consecutive months (wrapping the year), else the months listed. */
function monthNames(months) {
  const name = (m) => new Date(Date.UTC(2000, m - 1, 1)).toLocaleDateString(locale(), { month: 'short', timeZone: 'UTC' });
  const consecutive = months.every((m, i) => i === 0 || m === (months[i - 1] % 12) + 1);
  return consecutive && months.length > 1 ? `${name(months[0])}–${name(months.at(-1))}` : months.map(name).join(', ');
}
