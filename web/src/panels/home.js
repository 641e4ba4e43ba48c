// The map page's "Lacak tiket" sheet (#home-panel): open a ticket's tracking page by its number, the complaints filed
// from this browser ("Laporan saya", tokens.js), and the way to /kinerja.

import { categoryByCode } from '../categories.js';
import { h, listen } from '../dom.js';
import { categoryName, formatDateTime, onLangChange, t } from '../i18n.js';
import { myReports } from '../tokens.js';

export class HomePanel {
  /** ticketPrefix: the city's (GET /api/config), as in UJR-2026-000123; onOpen(): the page closes its other sheet. */
  constructor(root, { ticketPrefix, onOpen }) {
    this._el = (id) => root.querySelector(`#${id}`);
    this._ticket = new RegExp(`^${ticketPrefix}-\\d{4}-\\d{6}$`);
    this._example = `${ticketPrefix}-${new Date().getFullYear()}-000123`;
    this._panel = this._el('home-panel');
    this._onOpen = onOpen;
    this._errorKey = null;
  }

  add() {
    const el = this._el;
    this._unsubscribe = [
      listen(el('btn-home'), 'click', () => (this._panel.hidden ? this.open() : this.close())),
      listen(el('btn-close-home'), 'click', () => this.close()),
      listen(this._panel, 'keydown', (event) => event.key === 'Escape' && this.close()),
      listen(el('ticket-form'), 'submit', (event) => {
        event.preventDefault();
        this._check();
      }),
      listen(el('ticket-input'), 'input', () => this._showError(null)),
      onLangChange(() => this._render()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
  }

  open() {
    this._onOpen?.();
    this._render();
    this._panel.hidden = false;
    this._el('btn-home').setAttribute('aria-expanded', 'true');
    this._el('home-title').focus();
  }

  close({ focus = true } = {}) {
    if (this._panel.hidden) return;
    this._panel.hidden = true;
    this._el('btn-home').setAttribute('aria-expanded', 'false');
    if (focus) this._el('btn-home').focus();
  }

  // Typed by hand, a ticket comes in any case and with stray spaces; an incomplete one is refused here, not by a 404.
  _check() {
    const input = this._el('ticket-input');
    const ticket = input.value.replace(/\s+/g, '').toUpperCase();
    if (!ticket) return this._showError('home.ticketMissing');
    if (!this._ticket.test(ticket)) return this._showError('home.ticketFormat');
    location.assign(`/lacak/${encodeURIComponent(ticket)}`);
  }

  _showError(key) {
    this._errorKey = key;
    const error = this._el('ticket-error');
    const input = this._el('ticket-input');
    error.hidden = !key;
    error.textContent = key ? t(key, { example: this._example }) : '';
    if (key) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } else {
      input.removeAttribute('aria-invalid');
    }
  }

  _render() {
    const reports = myReports();
    this._el('my-reports-empty').hidden = reports.length > 0;
    this._el('my-reports').replaceChildren(...reports.map((report) =>
      h('li', { 'data-ticket': report.ticket },
        h('a', { href: `/lacak/${encodeURIComponent(report.ticket)}` }, report.ticket),
        h('span', { class: 'hint' }, ` ${[categoryName(categoryByCode(report.category)), report.createdAt ? formatDateTime(report.createdAt) : null].filter(Boolean).join(' · ')}`))));
    if (this._errorKey) this._el('ticket-error').textContent = t(this._errorKey, { example: this._example });
  }
}
