// The next steps for one complaint, for staff and crews alike: a button per move the server allows THIS user now
// (GET /api/staff/complaints/{ticket} → allowed:[{status, needs}]), and the fields those moves need (a note for the
// reporter, the original ticket, the target OPD, photos). A move is one multipart POST
// /api/staff/complaints/{ticket}/status with `to`, the fields, the `version` the page saw and, when the device knows
// it, `lat`/`lon` (the server flags a close made far from the pin for review).
//
// The fields live as long as the panel, so a refusal (the complaint changed meanwhile, a move no longer allowed)
// reloads the moves without losing what was typed.

import { ApiError, postForm, showProblem } from '../api.js';
import { h, listen } from '../dom.js';
import { onLangChange, statusLabel, t } from '../i18n.js';

// What each need asks of the form, checked here before sending so a missing note is said at once, in place. An after
// photo stored with an earlier step counts too (the complaint's photos say so).
const NEEDS_FIELD = { note: 'note', original: 'original', opd: 'opd', after_photo: 'after' };
const NEEDS_MESSAGE = {
  note: 'action.needsNote', original: 'action.needsOriginal', opd: 'action.needsOpd', after_photo: 'action.needsAfterPhoto',
};

export class StatusActions {
  /**
   * options: internal (show the internal-note field); photos (always offer before/after photos, else only when a move
   * needs an after photo); opds ([{code, name}] to re-route to); position() → (a promise of) the device's {lat, lon}
   * or null; onDone(result) after a move; onStale() when the page must load the complaint again (and call show()).
   */
  constructor(container, ticket, { internal = false, photos = false, opds = [], position = () => null, onDone, onStale }) {
    this._container = container;
    this._ticket = ticket;
    this._options = { internal, photos, opds, position, onDone, onStale };
    this._detail = null;
    this._sending = false;
  }

  add() {
    const id = (name) => `action-${name}-${this._ticket}`;
    const field = (name, labelKey, control) => h('div', { class: 'action-field', 'data-field': name },
      h('label', { for: id(name), 'data-i18n': labelKey }, t(labelKey)), control);
    this._fields = {
      note: h('textarea', { id: id('note'), name: 'note', rows: 2, maxlength: 2000, 'data-action': 'note' }),
      internalNote: h('textarea', { id: id('internal'), name: 'internalNote', rows: 2, maxlength: 2000, 'data-action': 'internal-note' }),
      original: h('input', { id: id('original'), name: 'original', type: 'text', maxlength: 20, autocomplete: 'off', 'data-action': 'original' }),
      opd: h('select', { id: id('opd'), name: 'opd', 'data-action': 'opd' }),
      before: h('input', { id: id('before'), name: 'before', type: 'file', accept: 'image/*', capture: 'environment', 'data-action': 'before' }),
      after: h('input', { id: id('after'), name: 'after', type: 'file', accept: 'image/*', capture: 'environment', 'data-action': 'after' }),
    };
    this._rows = {
      note: field('note', 'action.note', this._fields.note),
      internalNote: field('internal-note', 'action.internalNote', this._fields.internalNote),
      original: field('original', 'action.original', this._fields.original),
      opd: field('opd', 'action.opd', this._fields.opd),
      before: field('before', 'action.before', this._fields.before),
      after: field('after', 'action.after', this._fields.after),
    };
    this._rows.internalNote.hidden = !this._options.internal;
    this._moves = h('div', { class: 'button-row action-moves', role: 'group', 'aria-labelledby': id('title') });
    this._error = h('div', { class: 'error action-error', role: 'alert', hidden: true });
    this._title = h('h3', { id: id('title'), class: 'action-title', 'data-i18n': 'action.moves' }, t('action.moves'));
    this._container.replaceChildren(this._title, ...Object.values(this._rows), this._error, this._moves);
    this._container.classList.add('status-actions');
    this._unsubscribe = [
      listen(this._moves, 'click', (event) => {
        const button = event.target.closest('[data-to]');
        if (button) this._move(button.dataset.to);
      }),
      onLangChange(() => this._relabel()),
    ];
    this._fillOpds();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._container.classList.remove('status-actions');
    delete this._container.dataset.version;
    this._container.replaceChildren();
  }

  /** Shows the moves of a freshly loaded complaint (StaffComplaint with `allowed` and `version`). */
  show(detail) {
    this._detail = detail;
    this._container.dataset.version = String(detail.version);
    const needed = new Set(detail.allowed.flatMap((move) => move.needs));
    this._rows.original.hidden = !needed.has('original');
    this._rows.opd.hidden = !needed.has('opd');
    const photos = this._options.photos || needed.has('after_photo');
    this._rows.before.hidden = !photos;
    this._rows.after.hidden = !photos;
    this._rows.note.hidden = !detail.allowed.length;
    this._fillOpds();
    this._renderMoves();
  }

  _renderMoves() {
    const allowed = this._detail?.allowed ?? [];
    this._moves.replaceChildren(...(allowed.length
      ? allowed.map((move) => h('button', {
        type: 'button', class: move.status === 'rejected' ? 'btn-secondary btn-move' : 'btn-primary btn-move',
        'data-to': move.status, 'data-status': move.status, disabled: this._sending,
      }, t(`move.${move.status}`)))
      : [h('p', { class: 'hint' }, t('action.none'))]));
  }

  _relabel() {
    for (const label of this._container.querySelectorAll('[data-i18n]')) label.textContent = t(label.dataset.i18n);
    this._fillOpds();
    if (this._detail) this._renderMoves();
    if (this._shownProblem) showProblem(this._error, this._shownProblem);
  }

  // Every OPD but the one holding the complaint: re-routing is to somebody else.
  _fillOpds() {
    const chosen = this._fields.opd.value;
    const others = this._options.opds.filter((opd) => opd.code !== this._detail?.opd);
    this._fields.opd.replaceChildren(h('option', { value: '' }, t('action.chooseOpd')),
      ...others.map((opd) => h('option', { value: opd.code }, opd.name ? `${opd.name} (${opd.code})` : opd.code)));
    this._fields.opd.value = others.some((opd) => opd.code === chosen) ? chosen : '';
  }

  _showError(problem, field) {
    this._shownProblem = problem;
    showProblem(this._error, problem);
    this._error.dataset.code = problem.code ?? problem.key ?? '';
    if (field) {
      field.setAttribute('aria-invalid', 'true');
      field.focus();
    }
  }

  _clearError() {
    this._shownProblem = null;
    this._error.hidden = true;
    delete this._error.dataset.code;
    for (const field of Object.values(this._fields)) field.removeAttribute('aria-invalid');
  }

  async _move(to) {
    const move = this._detail?.allowed.find((candidate) => candidate.status === to);
    if (!move || this._sending) return;
    this._clearError();
    const storedAfter = (this._detail.photos ?? []).some((photo) => photo.kind === 'after');
    for (const need of move.needs) {
      const field = this._fields[NEEDS_FIELD[need]];
      if (need === 'after_photo' && storedAfter) continue;
      if (field && !field.value.trim()) {
        this._showError({ localized: true, key: NEEDS_MESSAGE[need], code: `needs_${need}` }, field);
        return;
      }
    }
    const form = new FormData();
    form.set('to', to);
    form.set('version', String(this._detail.version));
    const text = (name) => this._fields[name].value.trim();
    if (text('note')) form.set('note', text('note'));
    if (this._options.internal && text('internalNote')) form.set('internalNote', text('internalNote'));
    if (move.needs.includes('original')) form.set('original', text('original').toUpperCase());
    if (move.needs.includes('opd')) form.set('opd', text('opd'));
    for (const kind of ['before', 'after']) {
      if (this._rows[kind].hidden) continue;
      for (const file of this._fields[kind].files) form.append(kind, file, file.name);
    }
    this._setSending(true);
    const position = await this._options.position();
    if (position) {
      form.set('lat', position.lat.toFixed(6));
      form.set('lon', position.lon.toFixed(6));
    }
    let result;
    try {
      result = await postForm(`/api/staff/complaints/${encodeURIComponent(this._ticket)}/status`, form);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._setSending(false);
      const { problem } = error;
      if (problem.code === 'changed_meanwhile') {
        this._showError({ localized: true, key: 'action.changedMeanwhile', code: 'changed_meanwhile' });
      } else {
        this._showError(problem);
      }
      // The complaint is not what this page showed: load what it is now (its moves, its version).
      if (error.status === 409 || error.status === 403) this._options.onStale?.();
      return;
    }
    this._setSending(false);
    for (const field of Object.values(this._fields)) field.value = '';
    this._options.onDone?.(result);
  }

  _setSending(sending) {
    this._sending = sending;
    this._container.setAttribute('aria-busy', String(sending));
    for (const button of this._moves.querySelectorAll('button')) button.disabled = sending;
  }
}

/**
 * Writes the outcome of a move into element: "Tiket X: Selesai.", why the server flagged the step for review if it
 * did, and where it went when it left the OPD (rerouted: the new OPD's name).
 */
export function showResult(element, result, { rerouted = null } = {}) {
  const flagged = Boolean(result.needsReview);
  element.replaceChildren(...[
    h('p', {}, t('action.done', { ticket: result.ticket, status: statusLabel(result.status) })),
    flagged ? h('p', { class: 'action-flagged' }, t('action.flagged')) : null,
    rerouted ? h('p', { class: 'action-rerouted' }, t('action.rerouted', { opd: rerouted })) : null,
  ].filter(Boolean));
  element.dataset.status = result.status;
  element.dataset.flagged = String(flagged);
  element.hidden = false;
}

/** The OPDs that categories route to, by code ([{code, name}]): the targets offered for re-routing. */
export function opdsFromCategories(categories) {
  const byCode = new Map();
  for (const category of categories) {
    if (category.opd?.code && !byCode.has(category.opd.code)) byCode.set(category.opd.code, category.opd);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}
