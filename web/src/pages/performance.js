// Page `/kinerja`: the public performance figures per OPD and per kecamatan for a period (GET /api/performance),
// the definitions they follow (from the same answer, so page and numbers never disagree) and the CSV of the same
// numbers. The period lives in the URL (?from=YYYY-MM-DD&to=YYYY-MM-DD, WIB dates); without it the API's default
// (the last 90 days) is shown. Each figure cell carries its raw API value in data-value.

import { getJson, query, showProblem } from '../api.js';
import { fromTemplate, h, listen } from '../dom.js';
import { formatDateTime, lang, onLangChange, pick, t, translate } from '../i18n.js';

// The order the definitions are read in; any other the API adds follows.
const DEFINITION_ORDER = ['cohort', 'workingDays', 'attribution', 'firstResponse', 'resolution', 'resolvedWithinDeadline',
  'reopenRate', 'stillOpen', 'ranking', 'kecamatan', 'channels', 'asOf'];

/** Builds the page in root; returns the function that takes it down again. */
export async function mountPerformancePage(root) {
  root.replaceChildren(fromTemplate('page-performance'));
  translate(root);
  document.title = `${t('perf.title')} · Ujar`;

  const form = root.querySelector('#perf-period');
  const fromInput = root.querySelector('#perf-from');
  const toInput = root.querySelector('#perf-to');
  const csvLink = root.querySelector('#perf-csv');
  const errorBox = root.querySelector('#perf-error');
  let report = null;
  let abort = null;
  let loads = 0;

  const render = () => {
    if (!report) return;
    root.querySelector('#perf-asof').textContent = t('perf.asOf', { time: formatDateTime(report.asOf) });
    // Most complaints first: where the city's complaints actually come from.
    const channels = Object.entries(report.receivedByChannel).sort(([, a], [, b]) => b - a);
    root.querySelector('#perf-channels').textContent = t('perf.channels', {
      total: number(report.received),
      list: channels.map(([channel, count]) => `${t(`channel.${channel}`)} ${number(count)}`).join(' · '),
    });
    root.querySelector('#perf-opds tbody').replaceChildren(...report.opds.map(opdRow));
    root.querySelector('#perf-kecamatan tbody').replaceChildren(...report.kecamatan.map(kecamatanRow));
    const keys = [...DEFINITION_ORDER.filter((k) => k in report.definitions),
      ...Object.keys(report.definitions).filter((k) => !DEFINITION_ORDER.includes(k))];
    root.querySelector('#perf-definitions').replaceChildren(...keys.flatMap((key) => [
      h('dt', {}, t(`perf.def.${key}`)),
      h('dd', { 'data-definition': key }, pick(report.definitions[key].id, report.definitions[key].en)),
    ]));
  };

  const load = async (period) => {
    abort?.abort();
    abort = new AbortController();
    const signal = abort.signal;
    let next;
    try {
      next = await getJson(`/api/performance${query(period)}`, { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (error.problem) showProblem(errorBox, error.problem);
      else throw error;
      return;
    }
    errorBox.hidden = true;
    report = next;
    fromInput.value = report.period.from;
    toInput.value = report.period.to;
    const search = query({ from: report.period.from, to: report.period.to });
    history.replaceState(null, '', `${location.pathname}${search}`);
    csvLink.href = `/api/performance.csv${search}`;
    csvLink.download = `ujar-kinerja-${report.period.from}-${report.period.to}.csv`;
    render();
    document.body.dataset.performanceLoads = String(++loads);
  };

  const params = new URLSearchParams(location.search);
  const stops = [
    listen(form, 'submit', (event) => {
      event.preventDefault();
      if (form.reportValidity()) load({ from: fromInput.value, to: toInput.value });
    }),
    onLangChange(() => {
      document.title = `${t('perf.title')} · Ujar`;
      render();
    }),
  ];
  await load({ from: params.get('from'), to: params.get('to') });
  return () => {
    abort?.abort();
    for (const stop of stops) stop();
    root.replaceChildren();
  };
}

function opdRow(opd) {
  const rank = opd.ranked
    ? h('td', { 'data-col': 'rank', 'data-value': opd.rank, 'data-label': t('perf.rank') }, String(opd.rank))
    : h('td', { 'data-col': 'rank', 'data-value': '', 'data-label': t('perf.rank'), class: 'perf-unranked' }, t('perf.notRanked'));
  return h('tr', { 'data-code': opd.code, 'data-ranked': opd.ranked ? 'true' : 'false' },
    rank,
    h('th', { scope: 'row' }, pick(opd.name, opd.nameEn)),
    ...figureCells(opd));
}

function kecamatanRow(kecamatan) {
  return h('tr', { 'data-code': kecamatan.code }, h('th', { scope: 'row' }, kecamatan.name), ...figureCells(kecamatan));
}

/** Received, the two medians and the three percentages; a percentage shows its counts beside it for checking. */
function figureCells(row) {
  return [
    cell('received', 'perf.received', row.received, String(row.received)),
    cell('firstResponseMedianDays', 'perf.firstResponse', row.firstResponseMedianDays, days(row.firstResponseMedianDays)),
    cell('resolutionMedianDays', 'perf.resolution', row.resolutionMedianDays, days(row.resolutionMedianDays)),
    cell('resolvedWithinDeadlinePct', 'perf.withinDeadline', row.resolvedWithinDeadlinePct,
      ...percent(row.resolvedWithinDeadlinePct, row.withinDeadline, row.deadlineCounted)),
    cell('reopenRatePct', 'perf.reopenRate', row.reopenRatePct, ...percent(row.reopenRatePct, row.reopened, row.resolved)),
    cell('stillOpenPct', 'perf.stillOpen', row.stillOpenPct, ...percent(row.stillOpenPct, row.stillOpen, row.received)),
  ];
}

// data-label names the column where a phone shows each row as a card (styles.css).
const cell = (column, labelKey, value, ...content) =>
  h('td', { 'data-col': column, 'data-value': value ?? '', 'data-label': t(labelKey) }, h('span', {}, ...content));

const number = (value) => new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 }).format(value);

const days = (value) => (value === null ? '–' : number(value));

const percent = (value, part, whole) =>
  (value === null ? ['–'] : [`${number(value)} %`, ' ', h('span', { class: 'perf-count' }, `(${part}/${whole})`)]);
