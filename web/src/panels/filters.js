// The filter bar (#filters): category, status ("open" = every status still being worked on) and period. Its state
// is read from and written to the URL, so a shared link shows the same map.

import { listen } from '../dom.js';
import { categoryName, OPEN_STATUSES, onLangChange, STATUSES, statusLabel } from '../i18n.js';
import { readQuery, updateQuery } from '../urlstate.js';

const DAY_CHOICES = ['7', '30', '90', ''];
const DAY_MS = 24 * 60 * 60 * 1000;

export class FiltersPanel {
  constructor(form, categories) {
    this._form = form;
    this._categories = categories;
    this._select = {
      category: form.querySelector('#filter-category'),
      status: form.querySelector('#filter-status'),
      days: form.querySelector('#filter-days'),
    };
    this._listeners = new Set();
    this.state = this._stateFromUrl();
  }

  add() {
    for (const category of this._categories) this._select.category.append(new Option('', category.code));
    for (const status of STATUSES) this._select.status.append(new Option('', status));
    this._relabel();
    for (const [name, select] of Object.entries(this._select)) select.value = this.state[name];
    this._unsubscribe = [
      listen(this._form, 'change', () => this._changed()),
      listen(this._form, 'submit', (event) => event.preventDefault()),
      onLangChange(() => this._relabel()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    for (const select of [this._select.category, this._select.status]) {
      for (const option of [...select.options]) if (option.value && option.value !== 'open') option.remove();
    }
  }

  /** Calls listener after every change of a filter; returns the unsubscribe function. */
  onChange(listener) {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  /** The filters as the API's query parameters (category, status, from). */
  apiParams() {
    const { category, status, days } = this.state;
    return {
      category,
      status: status === 'open' ? OPEN_STATUSES.join(',') : status,
      from: days ? new Date(Date.now() - Number(days) * DAY_MS).toISOString() : '',
    };
  }

  /** Whether a complaint ({category, status, createdAt}) passes the filters, for live events. */
  matches(point) {
    const { category, status, days } = this.state;
    if (category && point.category !== category) return false;
    if (status === 'open' && !OPEN_STATUSES.includes(point.status)) return false;
    if (status && status !== 'open' && point.status !== status) return false;
    if (days && point.createdAt && Date.parse(point.createdAt) < Date.now() - Number(days) * DAY_MS) return false;
    return true;
  }

  _stateFromUrl() {
    const params = readQuery();
    const category = params.get('category') ?? '';
    const status = params.get('status') ?? '';
    const days = params.get('days') ?? '';
    return {
      category: this._categories.some((c) => c.code === category) ? category : '',
      status: status === 'open' || STATUSES.includes(status) ? status : '',
      days: DAY_CHOICES.includes(days) ? days : '',
    };
  }

  _changed() {
    this.state = {
      category: this._select.category.value,
      status: this._select.status.value,
      days: this._select.days.value,
    };
    updateQuery(this.state);
    for (const listener of this._listeners) listener(this.state);
  }

  _relabel() {
    for (const option of this._select.category.options) {
      const category = this._categories.find((c) => c.code === option.value);
      if (category) option.textContent = categoryName(category);
    }
    for (const option of this._select.status.options) {
      if (STATUSES.includes(option.value)) option.textContent = statusLabel(option.value);
    }
  }
}
