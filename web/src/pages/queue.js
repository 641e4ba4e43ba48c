// Page `/opd`: an OPD's complaint queue (GET /api/staff/complaints; an admin sees every OPD and may pick one). Search,
// filters (status, category, kelurahan, deadline, overdue, needs review) and the sort are the server's, so a long queue
// pages in the database; they live in the query string (?q=&status=&category=&kelurahan=&due=&sort=&overdue=
// &needsReview=&opd=) so a link shows the same queue. A small map beside the list pins the page's complaints. A row or a
// pin opens the complaint's details and moves (panels/staff-detail.js).
//
// The queue is live: it watches its OPD on the hub (WatchQueue). A complaint filed or re-routed to the OPD, a status
// change and an escalation reload the list (the event does not carry the row's internal facts) and mark the row, so
// what changed under the reader's eyes stands out.

import { ApiError, getJson, query, showProblem } from '../api.js';
import { categoryByCode, categoryIcon, loadCategories } from '../categories.js';
import { debounce, fromTemplate, h, listen, svg } from '../dom.js';
import { categoryName, formatDateTime, OPEN_STATUSES, onLangChange, STATUSES, statusLabel, t, translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { QueuePinsLayer } from '../layers/queue-pins.js';
import { createMap } from '../map.js';
import { deadlineBadge } from '../panels/deadline.js';
import { requireStaff, StaffBar } from '../panels/staff-bar.js';
import { StaffDetail } from '../panels/staff-detail.js';
import { opdsFromCategories } from '../panels/status-actions.js';
import { readQuery, updateQuery } from '../urlstate.js';

const PAGE_SIZE = 50;
const DEFAULT_STATUS = 'open';
const DEFAULT_SORT = 'newest';
const SORTS = ['newest', 'oldest', 'deadline', 'support'];
// ?due= → how many days after today (WIB) the deadline may end: the server's dueBy.
const DUE_WITHIN_DAYS = { today: 0, week: 7 };
const WIB_OFFSET_MS = 7 * 3600 * 1000;

/** The WIB date `days` after today, as YYYY-MM-DD. */
const wibDayFromToday = (days) => new Date(Date.now() + WIB_OFFSET_MS + days * 86400000).toISOString().slice(0, 10);

class QueuePage {
  constructor(root, live, me, categories, config, kelurahan) {
    this._root = root;
    this._live = live;
    this._me = me;
    this._config = config;
    this._categories = categories;
    this._kelurahan = kelurahan;
    this._opds = opdsFromCategories(categories);
    this._el = (id) => root.querySelector(`#${id}`);
    this._items = [];
    this._total = 0;
    this._wanted = PAGE_SIZE;
    // What happened live to a ticket since the page opened (its latest event type): the row says so.
    this._liveMarks = new Map();
  }

  async add() {
    this._root.replaceChildren(fromTemplate('page-queue'));
    translate(this._root);
    document.title = `${t('queue.title')} · Ujar`;
    this._bar = new StaffBar(document.getElementById('staff-user'), this._me);
    this._bar.add();
    this._fillFilters();
    this._map = createMap(this._el('queue-map'), this._config, { center: this._config.center, zoom: this._config.zoom });
    this._boundaries = new BoundariesLayer().addTo(this._map);
    this._pins = new QueuePinsLayer({ onSelect: (ticket) => this._select(ticket) }).addTo(this._map);
    this._detail = new StaffDetail(this._el('queue-detail'), {
      opds: this._opds,
      config: this._config,
      admin: this._me.role === 'admin',
      onChanged: () => this._reloadSoon(),
      // Back to the row it was opened from, so a keyboard user goes on down the list.
      onClosed: (ticket) => {
        this._markSelected(null);
        this._pins.setSelected(null);
        this._el('queue-list').querySelector(`.queue-row[data-ticket="${CSS.escape(ticket ?? '')}"]`)?.focus();
      },
    });
    this._detail.add();
    this._reloadSoon = debounce(() => this._load(), 200);
    const searchSoon = debounce(() => this._filtersChanged(), 300);
    this._unsubscribe = [
      listen(this._el('queue-filters'), 'change', (event) => {
        if (event.target.id !== 'queue-search') this._filtersChanged();
      }),
      listen(this._el('queue-search'), 'input', () => searchSoon()),
      () => searchSoon.cancel(),
      listen(this._el('queue-filters'), 'submit', (event) => event.preventDefault()),
      listen(this._el('queue-list'), 'click', (event) => {
        const row = event.target.closest('.queue-row');
        if (row) this._select(row.dataset.ticket);
      }),
      listen(this._el('btn-queue-more'), 'click', () => {
        this._wanted += PAGE_SIZE;
        this._load();
      }),
      this._live.subscribe((event) => this._applyEvent(event)),
      this._live.onResync(() => this._load()),
      onLangChange(() => this._relabel()),
      () => this._reloadSoon.cancel(),
    ];
    this._live.watchQueue();
    this._frameNext = true;
    await this._load();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._live.unwatchQueue();
    this._detail.remove();
    this._bar.remove();
    this._map.removeLayer(this._pins);
    this._map.removeLayer(this._boundaries);
    this._map.remove();
    this._root.replaceChildren();
  }

  _fillFilters() {
    const params = readQuery();
    const status = this._el('queue-status');
    status.replaceChildren(
      h('option', { value: 'open' }, t('filter.open')),
      h('option', { value: 'all' }, t('filter.allStatuses')),
      ...STATUSES.map((value) => h('option', { value }, statusLabel(value))));
    status.value = [...status.options].some((option) => option.value === params.get('status')) ? params.get('status') : DEFAULT_STATUS;
    const search = this._el('queue-search');
    search.value = params.get('q') ?? '';
    search.placeholder = t('queue.searchHint');
    const choose = (select, options, wanted, fallback = '') => {
      select.replaceChildren(...options);
      select.value = options.some((option) => option.value === wanted) ? wanted : fallback;
    };
    choose(this._el('queue-category'), [h('option', { value: '' }, t('queue.allCategories')),
      ...this._categories.filter((category) => this._me.role === 'admin' || category.opd?.code === this._me.opd)
        .map((category) => h('option', { value: category.code }, categoryName(category)))], params.get('category'));
    choose(this._el('queue-kelurahan'), [h('option', { value: '' }, t('queue.allKelurahan')),
      ...this._kelurahan.map((area) => h('option', { value: area.code }, area.name))], params.get('kelurahan'));
    choose(this._el('queue-due'), [h('option', { value: '' }, t('queue.dueAny')),
      ...Object.keys(DUE_WITHIN_DAYS).map((due) => h('option', { value: due }, t(`queue.due${due[0].toUpperCase()}${due.slice(1)}`)))],
    params.get('due'));
    choose(this._el('queue-sort'), SORTS.map((sort) => h('option', { value: sort }, t(`sort.${sort}`))), params.get('sort'), DEFAULT_SORT);
    this._el('queue-overdue').checked = params.get('overdue') === 'true';
    this._el('queue-review').checked = params.get('needsReview') === 'true';
    // Only an admin works across OPDs; staff and crews are held to their own by the server.
    const opd = this._el('queue-opd');
    this._el('queue-opd-filter').hidden = this._me.role !== 'admin';
    opd.replaceChildren(h('option', { value: '' }, t('queue.allOpds')),
      ...this._opds.map((candidate) => h('option', { value: candidate.code }, candidate.name ?? candidate.code)));
    opd.value = this._opds.some((candidate) => candidate.code === params.get('opd')) ? params.get('opd') : '';
  }

  _filters() {
    const status = this._el('queue-status').value;
    return {
      q: this._el('queue-search').value.trim(),
      category: this._el('queue-category').value,
      kelurahan: this._el('queue-kelurahan').value,
      due: this._el('queue-due').value,
      sort: this._el('queue-sort').value,
      status,
      overdue: this._el('queue-overdue').checked,
      needsReview: this._el('queue-review').checked,
      opd: this._me.role === 'admin' ? this._el('queue-opd').value : '',
    };
  }

  _filtersChanged() {
    const { q, category, kelurahan, due, sort, status, overdue, needsReview, opd } = this._filters();
    updateQuery({
      q, category, kelurahan, due, sort: sort === DEFAULT_SORT ? '' : sort,
      status: status === DEFAULT_STATUS ? '' : status, overdue: overdue ? 'true' : '', needsReview: needsReview ? 'true' : '', opd,
    });
    this._wanted = PAGE_SIZE;
    this._frameNext = true;
    this._load();
  }

  async _load() {
    const { q, category, kelurahan, due, sort, status, overdue, needsReview, opd } = this._filters();
    const statuses = status === 'open' ? OPEN_STATUSES.join(',') : status === 'all' ? '' : status;
    const params = {
      q, category, kelurahan, sort, dueBy: due ? wibDayFromToday(DUE_WITHIN_DAYS[due]) : '',
      status: statuses, overdue: overdue ? 'true' : '', needsReview: needsReview ? 'true' : '', opd, limit: this._wanted, offset: 0,
    };
    const error = this._el('queue-error');
    // Answers can cross (a live reload and a filter change): only the latest request may draw.
    const request = (this._request ?? 0) + 1;
    this._request = request;
    let answer;
    try {
      answer = await getJson(`/api/staff/complaints${query(params)}`);
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      if (request === this._request) showProblem(error, failure.problem);
      return;
    }
    if (request !== this._request) return;
    error.hidden = true;
    this._items = answer.items;
    this._total = answer.total;
    this._render();
    this._pins.setItems(this._items);
    // Framed when the reader asks for another queue, not on every live reload under their eyes.
    if (this._frameNext) this._pins.frame();
    this._frameNext = false;
    document.body.dataset.queueReady = 'true';
  }

  _render() {
    this._el('queue-total').textContent = t('queue.total', { n: this._total });
    const list = this._el('queue-list');
    list.replaceChildren(...(this._items.length
      ? this._items.map((item) => this._row(item))
      : [h('li', { class: 'hint queue-empty' }, t('queue.empty'))]));
    this._el('btn-queue-more').hidden = this._items.length >= this._total;
  }

  _row(item) {
    const category = categoryByCode(item.category);
    const mark = this._liveMarks.get(item.ticket);
    const selected = this._detail.ticket === item.ticket;
    return h('li', {
      class: 'queue-item', 'data-ticket': item.ticket, 'data-status': item.status, 'data-overdue': String(Boolean(item.deadline?.overdue)),
      'data-review': String(Boolean(item.needsReview)), 'data-live': mark,
    },
    h('button', {
      type: 'button', class: 'queue-row', 'data-ticket': item.ticket, 'aria-controls': 'queue-detail', 'aria-current': selected ? 'true' : null,
    },
    h('span', { class: 'queue-row-head' },
      h('span', { class: 'category-icon' }, svg(categoryIcon(item.category))),
      h('strong', { class: 'queue-ticket' }, item.ticket),
      h('span', { class: 'status-badge', 'data-status': item.status }, statusLabel(item.status)),
      mark === 'complaint_filed' ? h('span', { class: 'new-badge' }, t('queue.new')) : null,
      item.needsReview ? h('span', { class: 'review-badge' }, t('queue.review')) : null),
    h('span', { class: 'queue-row-text' }, `${categoryName(category) || item.category} · ${areaName(item.kelurahan)}`),
    h('span', { class: 'queue-row-description' }, item.description ?? ''),
    h('span', { class: 'queue-row-meta' },
      h('time', { datetime: item.createdAt }, formatDateTime(item.createdAt)),
      deadlineBadge(item.deadline),
      h('span', {}, t('task.supporters', { n: item.supportCount })),
      item.assignee ? h('span', { class: 'queue-row-assignee' }, `${t('queue.assignee')}: ${item.assignee.name}`) : null,
      item.channel ? h('span', { class: 'channel-badge', 'data-channel': item.channel }, t(`channel.${item.channel}`)) : null,
      this._me.role === 'admin' ? h('span', { class: 'queue-row-opd' }, (item.opd?.code ?? item.opd ?? '').toUpperCase()) : null)));
  }

  _select(ticket) {
    this._detail.show(ticket);
    this._markSelected(ticket);
    this._pins.setSelected(ticket);
  }

  _markSelected(ticket) {
    for (const row of this._el('queue-list').querySelectorAll('.queue-row')) {
      if (row.dataset.ticket === ticket) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  }

  _applyEvent(event) {
    // A filing stays "new" until the page is left; later events on it do not make it less new.
    if (this._liveMarks.get(event.ticket) !== 'complaint_filed' || event.type === 'escalated') this._liveMarks.set(event.ticket, event.type);
    this._reloadSoon();
    if (event.ticket === this._detail.ticket && event.type !== 'escalated') this._detail.reload();
  }

  _relabel() {
    document.title = `${t('queue.title')} · Ujar`;
    const chosen = this._filters();
    this._fillFilters();
    for (const name of ['status', 'opd', 'category', 'kelurahan', 'due', 'sort']) this._el(`queue-${name}`).value = chosen[name];
    this._render();
  }
}

/** A kelurahan or OPD as the API gives it: a code, or {code, name}. */
const areaName = (value) => (typeof value === 'string' ? value : value?.name ?? value?.code ?? '');

/** Builds the page in root; returns the function that takes it down again. */
export async function mountQueuePage(root, live) {
  const me = await requireStaff();
  const [categories, config, kelurahan] = await Promise.all([
    loadCategories(), getJson('/api/config'), getJson('/api/boundaries?level=kelurahan')]);
  const areas = kelurahan.features.map((feature) => feature.properties)
    .sort((a, b) => (a.name ?? a.code).localeCompare(b.name ?? b.code, 'id'));
  const page = new QueuePage(root, live, me, categories, config, areas);
  await page.add();
  return () => page.remove();
}
