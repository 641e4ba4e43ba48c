// The next steps for one complaint, for staff and crews alike: a button per move the server allows THIS user now
// (GET /api/staff/complaints/{ticket} → allowed:[{status, needs}]). A move's form shows only what that move takes: the
// note for the reporter when it needs one, the original ticket for a duplicate, the target OPD for a re-route, the
// crew member for an assignment, a photo after for a close (and a photo before when starting work, on the crew page).
// A move with nothing missing goes at once; otherwise its fields open and every missing one is listed together, and
// the list shrinks as each is filled in. A move is one multipart POST /api/staff/complaints/{ticket}/status with `to`,
// the fields, the `version` the page saw and, when the device knows it, `lat`/`lon` (the server flags a close made far
// from the pin for review).
//
// Photos come from the camera or the gallery (no `capture` attribute), with a preview. With `offline`, a move made
// without a network is kept on the device (outbox.js) and sent when it is back.
//
// The fields live as long as the panel, so a refusal (the complaint changed meanwhile, a move no longer allowed)
// reloads the moves without losing what was typed.

import { ApiError, postForm, showProblem } from '../api.js';
import { h, listen } from '../dom.js';
import { onLangChange, statusLabel, t } from '../i18n.js';
import { keepMove } from '../outbox.js';

// What each need asks of the form. An after photo stored with an earlier step counts too (the complaint's photos say so).
const NEEDS_FIELD = { note: 'note', original: 'original', opd: 'opd', after_photo: 'after', assignee: 'assignee' };
// The server takes an assignment without a name (from callers that have none); this page always names the crew member.
const PAGE_NEEDS = { assigned: ['assignee'] };
// Fields a move takes without needing them.
const MOVE_OFFERS = { in_progress: ['before'], resolved: ['before'] };
const camel = (need) => need.replace(/_(\w)/g, (_, letter) => letter.toUpperCase());
const needKey = (need) => `action.needs${camel(need)[0].toUpperCase()}${camel(need).slice(1)}`;

export class StatusActions {
  /**
   * options: internal (show the internal-note field); photos (offer before/after photos); opds ([{code, name}] to
   * re-route to); crew(opd) → (a promise of) [{id, name}], that OPD's crew to assign to; position() → (a promise of) the
   * device's {lat, lon} or null; offline (keep a move made without a network and call onQueued(move)); onDone(result)
   * after a move; onStale() when the page must load the complaint again (and call show()).
   */
  constructor(container, ticket, {
    internal = false, photos = false, opds = [], crew = null, position = () => null, offline = false, onDone, onStale, onQueued,
  }) {
    this._container = container;
    this._ticket = ticket;
    this._options = { internal, photos, opds, crew, position, offline, onDone, onStale, onQueued };
    this._detail = null;
    this._selected = null;
    this._sending = false;
    this._crew = [];
  }

  add() {
    const id = (name) => `action-${name}-${this._ticket}`;
    const field = (name, labelKey, control, extra = null) => h('div', { class: 'action-field', 'data-field': name, hidden: true },
      h('label', { for: id(name), 'data-i18n': labelKey }, t(labelKey)), control, extra);
    const photo = (name) => h('input', { id: id(name), name, type: 'file', accept: 'image/*', multiple: true, 'data-action': name });
    this._fields = {
      note: h('textarea', { id: id('note'), name: 'note', rows: 2, maxlength: 2000, 'data-action': 'note' }),
      internalNote: h('textarea', { id: id('internal'), name: 'internalNote', rows: 2, maxlength: 2000, 'data-action': 'internal-note' }),
      original: h('input', { id: id('original'), name: 'original', type: 'text', maxlength: 20, autocomplete: 'off', 'data-action': 'original' }),
      opd: h('select', { id: id('opd'), name: 'opd', 'data-action': 'opd' }),
      assignee: h('select', { id: id('assignee'), name: 'assignee', 'data-action': 'assignee' }),
      before: photo('before'),
      after: photo('after'),
    };
    this._previews = {
      before: h('div', { class: 'photo-previews', 'data-preview': 'before', 'aria-live': 'polite' }),
      after: h('div', { class: 'photo-previews', 'data-preview': 'after', 'aria-live': 'polite' }),
    };
    this._rows = {
      note: field('note', 'action.note', this._fields.note),
      internalNote: field('internal-note', 'action.internalNote', this._fields.internalNote),
      original: field('original', 'action.original', this._fields.original),
      opd: field('opd', 'action.opd', this._fields.opd),
      assignee: field('assignee', 'action.assignee', this._fields.assignee),
      before: field('before', 'action.before', this._fields.before, this._previews.before),
      after: field('after', 'action.after', this._fields.after, this._previews.after),
    };
    this._moves = h('div', { class: 'button-row action-moves', role: 'group', 'aria-labelledby': id('title') });
    this._error = h('div', { class: 'error action-error', role: 'alert', hidden: true });
    this._title = h('h3', { id: id('title'), class: 'action-title', 'data-i18n': 'action.moves' }, t('action.moves'));
    this._container.replaceChildren(this._title, this._moves, ...Object.values(this._rows), this._error);
    this._container.classList.add('status-actions');
    this._previewUrls = [];
    this._unsubscribe = [
      listen(this._moves, 'click', (event) => {
        const button = event.target.closest('[data-to]');
        if (button) this._move(button.dataset.to);
      }),
      // A missing field filled in leaves the list at once; the last one hides it.
      listen(this._container, 'input', () => this._recheck()),
      listen(this._container, 'change', (event) => {
        if (event.target.type === 'file') this._preview(event.target.name);
        this._recheck();
      }),
      onLangChange(() => this._relabel()),
      () => this._clearPreviews(),
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
    const allowed = detail.allowed.map((move) => move.status);
    // The only move there is (a crew's usual case) is open at once; a move no longer allowed is closed.
    if (!allowed.includes(this._selected)) this._selected = allowed.length === 1 ? allowed[0] : null;
    this._fillOpds();
    const opd = detail.opd?.code ?? detail.opd;
    if (this._options.crew && opd !== this._crewOpd) {
      this._crewOpd = opd;
      this._loadCrew(opd);
    }
    this._renderMoves();
    this._showFields();
  }

  _needs(to) {
    const move = this._detail?.allowed.find((candidate) => candidate.status === to);
    if (!move) return [];
    const page = this._options.crew ? PAGE_NEEDS[to] ?? [] : [];
    return [...move.needs, ...page];
  }

  _fieldsOf(to) {
    if (!to) return [];
    const fields = this._needs(to).map((need) => NEEDS_FIELD[need]).filter(Boolean);
    if (this._options.photos) fields.push(...(MOVE_OFFERS[to] ?? []));
    return [...new Set(fields)];
  }

  _showFields() {
    const shown = new Set(this._fieldsOf(this._selected));
    for (const [name, row] of Object.entries(this._rows)) row.hidden = !shown.has(name);
    // Staff may always leave an internal note with a move.
    this._rows.internalNote.hidden = !this._options.internal || !this._detail?.allowed.length;
    this._container.dataset.move = this._selected ?? '';
  }

  _renderMoves() {
    const allowed = this._detail?.allowed ?? [];
    this._moves.replaceChildren(...(allowed.length
      ? allowed.map((move) => h('button', {
        type: 'button', class: move.status === 'rejected' ? 'btn-secondary btn-move' : 'btn-primary btn-move',
        'data-to': move.status, 'data-status': move.status, disabled: this._sending,
        'aria-pressed': this._fieldsOf(move.status).length ? String(this._selected === move.status) : null,
      }, t(`move.${move.status}`)))
      : [h('p', { class: 'hint' }, t('action.none'))]));
  }

  _relabel() {
    for (const label of this._container.querySelectorAll('[data-i18n]')) label.textContent = t(label.dataset.i18n);
    this._fillOpds();
    this._fillCrew();
    if (this._detail) this._renderMoves();
    if (this._missing?.length) this._showMissing(this._missing);
    else if (this._shownProblem) showProblem(this._error, this._shownProblem);
  }

  // Every OPD but the one holding the complaint: re-routing is to somebody else.
  _fillOpds() {
    const chosen = this._fields.opd.value;
    const others = this._options.opds.filter((opd) => opd.code !== this._detail?.opd);
    this._fields.opd.replaceChildren(h('option', { value: '' }, t('action.chooseOpd')),
      ...others.map((opd) => h('option', { value: opd.code }, opd.name ? `${opd.name} (${opd.code})` : opd.code)));
    this._fields.opd.value = others.some((opd) => opd.code === chosen) ? chosen : '';
  }

  async _loadCrew(opd) {
    try {
      this._crew = await this._options.crew(opd);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._crew = [];
    }
    this._fillCrew();
  }

  _fillCrew() {
    const chosen = this._fields.assignee.value;
    const select = this._fields.assignee;
    select.replaceChildren(h('option', { value: '' }, t(this._crew.length ? 'action.chooseAssignee' : 'action.noCrew')),
      ...this._crew.map((member) => h('option', { value: member.id }, member.name)));
    select.value = this._crew.some((member) => member.id === chosen) ? chosen : '';
  }

  _preview(kind) {
    const box = this._previews[kind];
    for (const img of box.querySelectorAll('img')) URL.revokeObjectURL(img.src);
    box.replaceChildren(...[...this._fields[kind].files].map((file) =>
      h('img', { src: URL.createObjectURL(file), alt: `${t('photo.preview')}: ${file.name}`, class: 'photo-preview' })));
  }

  _clearPreviews() {
    for (const kind of ['before', 'after']) {
      for (const img of this._previews[kind].querySelectorAll('img')) URL.revokeObjectURL(img.src);
      this._previews[kind].replaceChildren();
    }
  }

  /** The needs of `to` the form does not fill yet, in the server's order. */
  _missingFor(to) {
    const storedAfter = (this._detail?.photos ?? []).some((photo) => photo.kind === 'after');
    return this._needs(to).filter((need) => {
      if (need === 'after_photo' && storedAfter) return false;
      const field = this._fields[NEEDS_FIELD[need]];
      return field && (field.type === 'file' ? field.files.length === 0 : !field.value.trim());
    });
  }

  _showMissing(missing) {
    this._missing = missing;
    this._shownProblem = null;
    this._error.replaceChildren(h('strong', {}, t('action.missing')),
      h('ul', {}, ...missing.map((need) => h('li', { 'data-field': NEEDS_FIELD[need] }, t(`${needKey(need)}Item`)))));
    this._error.dataset.code = `needs_${missing[0]}`;
    this._error.dataset.missing = missing.join(' ');
    this._error.hidden = false;
    for (const [need, name] of Object.entries(NEEDS_FIELD)) {
      if (missing.includes(need)) this._fields[name].setAttribute('aria-invalid', 'true');
      else this._fields[name].removeAttribute('aria-invalid');
    }
  }

  _recheck() {
    if (!this._missing?.length || !this._selected) return;
    const missing = this._missingFor(this._selected);
    if (missing.length) this._showMissing(missing);
    else this._clearError();
  }

  _showError(problem) {
    this._missing = null;
    this._shownProblem = problem;
    showProblem(this._error, problem);
    this._error.dataset.code = problem.code ?? problem.key ?? '';
    delete this._error.dataset.missing;
  }

  _clearError() {
    this._missing = null;
    this._shownProblem = null;
    this._error.hidden = true;
    delete this._error.dataset.code;
    delete this._error.dataset.missing;
    for (const field of Object.values(this._fields)) field.removeAttribute('aria-invalid');
  }

  async _move(to) {
    const move = this._detail?.allowed.find((candidate) => candidate.status === to);
    if (!move || this._sending) return;
    // The move's fields open with it; one with nothing missing goes at once.
    this._selected = to;
    this._showFields();
    this._renderMoves();
    this._clearError();
    const missing = this._missingFor(to);
    if (missing.length) {
      this._showMissing(missing);
      this._fields[NEEDS_FIELD[missing[0]]].focus();
      return;
    }
    const fields = { to, version: String(this._detail.version) };
    const text = (name) => this._fields[name].value.trim();
    const shown = new Set(this._fieldsOf(to));
    if (shown.has('note') && text('note')) fields.note = text('note');
    if (this._options.internal && text('internalNote')) fields.internalNote = text('internalNote');
    if (shown.has('original')) fields.original = text('original').toUpperCase();
    if (shown.has('opd')) fields.opd = text('opd');
    if (shown.has('assignee')) fields.assignee = text('assignee');
    const files = ['before', 'after'].filter((kind) => shown.has(kind))
      .flatMap((kind) => [...this._fields[kind].files].map((file) => ({ part: kind, name: file.name, blob: file })));
    this._setSending(true);
    const position = await this._options.position();
    if (position) {
      fields.lat = position.lat.toFixed(6);
      fields.lon = position.lon.toFixed(6);
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    for (const file of files) form.append(file.part, file.blob, file.name);
    let result;
    try {
      result = await postForm(`/api/staff/complaints/${encodeURIComponent(this._ticket)}/status`, form);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._setSending(false);
      if (error.status === 0 && this._options.offline) {
        const kept = { ticket: this._ticket, to, fields, files };
        await keepMove(kept);
        this._reset();
        this._options.onQueued?.(kept);
        return;
      }
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
    this._reset();
    this._options.onDone?.(result);
  }

  _reset() {
    for (const field of Object.values(this._fields)) field.value = '';
    this._clearPreviews();
    this._selected = null;
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
