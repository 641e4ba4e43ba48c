// Page `/lacak/{ticket}`: where a complaint stands. It watches its ticket on the live hub, so a status change or a
// new supporter shows without reloading. The browser that filed the complaint holds its reporter token and may add
// photos here, and answer "sudah / belum selesai" once the OPD marks the work done (10 working days, then Ujar
// closes it by itself). It shows the next deadline the city owes, and the crew's "after" photos beside the Selesai
// step they prove.

import L from 'leaflet';
import { ApiError, getJson, localProblem, postForm, postJson, showProblem } from '../api.js';
import { categoryByCode, categoryIcon, loadCategories } from '../categories.js';
import { fromTemplate, h, listen, svg } from '../dom.js';
import { categoryName, formatDateTime, onLangChange, statusLabel, t, translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { createMap } from '../map.js';
import { deadlineBadge } from '../panels/deadline.js';
import { reporterToken } from '../tokens.js';

const TRACK_ZOOM = 17;

export class TrackPage {
  constructor(root, ticket, live) {
    this._root = root;
    this._ticket = ticket.trim().toUpperCase();
    this._live = live;
    this._el = (id) => root.querySelector(`#${id}`);
    this._detail = null;
    this._problem = null;
  }

  async add() {
    this._root.replaceChildren(fromTemplate('page-track'));
    translate(this._root);
    this._el('track-ticket').textContent = this._ticket;
    this._answerBox = this._buildAnswerBox();
    this._root.querySelector('.track-status-line').after(this._answerBox);
    document.title = `${this._ticket} · Ujar`;
    // Both only dress the facts (category names, a map): the page stands without them.
    this._config = getJson('/api/config').catch(() => null);
    this._categories = loadCategories().catch(() => []);
    this._unsubscribe = [
      this._live.subscribe((event) => this._applyEvent(event)),
      this._live.onResync(() => this._load()),
      onLangChange(() => this._render()),
      listen(this._el('track-add-photos'), 'change', () => this._addPhotos()),
      listen(this._el('answer-yes'), 'click', () => this._answer(true)),
      listen(this._el('answer-no'), 'click', () => this._askWhatIsLeft()),
      listen(this._el('answer-form'), 'submit', (event) => {
        event.preventDefault();
        this._answer(false);
      }),
    ];
    this._live.watchTicket(this._ticket);
    await this._load();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._live.unwatchTicket(this._ticket);
    this._map?.remove();
    this._root.replaceChildren();
  }

  async _load() {
    try {
      [this._detail] = await Promise.all([getJson(`/api/complaints/${encodeURIComponent(this._ticket)}`), this._categories]);
      this._problem = null;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._problem = error.problem;
    }
    this._render();
    if (this._detail) await this._showMap();
  }

  _applyEvent(event) {
    if (event.ticket !== this._ticket || !this._detail) return;
    if (event.type === 'support_changed') {
      this._detail.complaint.supportCount = event.supportCount;
      this._render();
    } else {
      // A status change brings a timeline step with its note, which the event does not carry.
      this._load();
    }
  }

  _render() {
    const error = this._el('track-error');
    if (this._problem) showProblem(error, this._problem);
    else error.hidden = true;
    this._el('track-body').hidden = !this._detail;
    if (!this._detail) return;

    const { complaint, photos, timeline, deadline } = this._detail;
    this._root.querySelector('.back').href = `/?lat=${complaint.lat}&lon=${complaint.lon}&z=${TRACK_ZOOM}`;
    const status = this._el('track-status');
    status.textContent = statusLabel(complaint.status);
    status.dataset.status = complaint.status;
    if (this._marker) this._marker.getElement().dataset.status = complaint.status;
    this._el('track-description').textContent = complaint.description;
    const category = categoryByCode(complaint.category);
    this._el('track-category').replaceChildren(
      h('span', { class: 'category-icon' }, svg(categoryIcon(complaint.category))), categoryName(category) || complaint.category);
    this._el('track-kelurahan').textContent = complaint.kelurahan.name ?? complaint.kelurahan.code;
    this._el('track-kecamatan').textContent = complaint.kecamatan.name ?? complaint.kecamatan.code;
    this._el('track-opd').textContent = complaint.opd.name ?? complaint.opd.code;
    this._el('track-filed').textContent = formatDateTime(complaint.createdAt);
    this._el('track-support').textContent = String(complaint.supportCount);
    const snapped = this._el('track-snapped');
    snapped.hidden = !complaint.snapped;
    snapped.textContent = complaint.snapped ? t('track.snapped', { m: `${Math.round(complaint.snappedMeters)} m` }) : '';

    this._el('track-deadline-term').hidden = !deadline;
    this._el('track-deadline').hidden = !deadline;
    this._el('track-deadline').replaceChildren(...(deadline ? [deadlineBadge(deadline)] : []));

    // A crew's photos prove a step (the "after" photos the Selesai step): each goes with the step it was sent with
    // (photoIds). After photos from before steps were recorded go with the last Selesai step; the rest stay up here.
    const withStep = new Set(timeline.flatMap((step) => step.photoIds ?? []));
    const lastResolved = timeline.findLastIndex((step) => step.to === 'resolved');
    const unlinkedAfter = lastResolved < 0 ? [] : photos.filter((photo) => photo.kind === 'after' && !withStep.has(photo.id));
    const stepPhotos = (step, index) => photos.filter((photo) =>
      (step.photoIds ?? []).includes(photo.id) || (index === lastResolved && unlinkedAfter.includes(photo)));
    const shown = photos.filter((photo) => !withStep.has(photo.id) && !unlinkedAfter.includes(photo));
    this._el('track-photos').replaceChildren(...(shown.length
      ? shown.map((photo) => photoLink(photo, t('track.photoAlt', { ticket: complaint.ticket })))
      : [h('p', { class: 'hint' }, t('track.noPhotos'))]));
    this._el('track-add-photos-box').hidden = !reporterToken(complaint.ticket);
    // Only while the answer is owed, and only in the browser that filed it: the server checks the token anyway.
    this._answerBox.hidden = !(complaint.status === 'resolved' && reporterToken(complaint.ticket));

    this._el('timeline').replaceChildren(...timeline.map((step, index) => [step, stepPhotos(step, index)]).map(([step, proof]) =>
      h('li', { class: 'timeline-step', 'data-status': step.to },
        h('span', { class: 'status-badge', 'data-status': step.to }, statusLabel(step.to)),
        h('time', { datetime: step.at }, formatDateTime(step.at)),
        step.actorRole ? h('span', { class: 'timeline-actor', 'data-role': step.actorRole }, t('track.by', { who: actorLabel(step) })) : null,
        step.note ? h('p', { class: 'timeline-note' }, step.note) : null,
        proof.length
          ? h('div', { class: 'timeline-photos track-photos' }, ...proof.map((photo) =>
            photoLink(photo, t(photo.kind === 'after' ? 'track.afterPhotoAlt' : 'track.photoAlt', { ticket: complaint.ticket }))))
          : null)));
  }

  _buildAnswerBox() {
    const box = h('section', { id: 'answer-box', class: 'answer-box', hidden: true },
      h('p', { 'data-i18n': 'answer.question' }),
      h('div', { class: 'answer-buttons' },
        h('button', { type: 'button', id: 'answer-yes', class: 'btn-primary', 'data-i18n': 'answer.yes' }),
        h('button', { type: 'button', id: 'answer-no', class: 'btn-secondary', 'data-i18n': 'answer.no' })),
      h('form', { id: 'answer-form', hidden: true },
        h('label', { for: 'answer-note', 'data-i18n': 'answer.noteLabel' }),
        h('textarea', { id: 'answer-note', rows: 3, maxlength: 2000 }),
        h('button', { type: 'submit', id: 'answer-send', class: 'btn-primary', 'data-i18n': 'answer.send' })),
      h('p', { id: 'answer-status', class: 'hint', role: 'status', 'data-i18n': 'answer.sending', hidden: true }),
      h('p', { id: 'answer-error', class: 'error', role: 'alert', hidden: true }));
    translate(box);
    return box;
  }

  _askWhatIsLeft() {
    this._el('answer-form').hidden = false;
    this._el('answer-note').focus();
  }

  async _answer(resolved) {
    const error = this._el('answer-error');
    const note = this._el('answer-note').value.trim();
    if (!resolved && !note) {
      showProblem(error, localProblem('answer.noteRequired'));
      return;
    }
    const buttons = this._answerBox.querySelectorAll('button');
    error.hidden = true;
    this._el('answer-status').hidden = false;
    for (const button of buttons) button.disabled = true;
    try {
      await postJson(`/api/complaints/${encodeURIComponent(this._ticket)}/answer`, resolved ? { resolved } : { resolved, note },
        { headers: { 'X-Reporter-Token': reporterToken(this._ticket) } });
      this._el('answer-form').hidden = true;
      this._el('answer-note').value = '';
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      showProblem(error, failure.problem);
    } finally {
      this._el('answer-status').hidden = true;
      for (const button of buttons) button.disabled = false;
    }
    // The live event brings the same news; loading now shows it even with the hub away.
    await this._load();
  }

  async _showMap() {
    const { lat, lon, ticket, status, category } = this._detail.complaint;
    const config = await this._config;
    if (!config || this._map) return; // a reload of the facts keeps the map it has
    this._map = createMap(this._el('track-map'), config, { center: [lat, lon], zoom: TRACK_ZOOM });
    new BoundariesLayer().addTo(this._map);
    const icon = L.divIcon({ className: 'ujar-marker', html: categoryIcon(category), iconSize: [30, 30] });
    const marker = L.marker([lat, lon], { icon, keyboard: false, interactive: false }).addTo(this._map);
    Object.assign(marker.getElement().dataset, { ticket, status, category });
    this._marker = marker;
  }

  async _addPhotos() {
    const input = this._el('track-add-photos');
    const progress = this._el('track-photo-status');
    const error = this._el('track-photo-error');
    if (!input.files.length) return;
    const form = new FormData();
    for (const file of input.files) form.append('photos', file, file.name);
    error.hidden = true;
    progress.hidden = false;
    input.disabled = true;
    try {
      await postForm(`/api/complaints/${encodeURIComponent(this._ticket)}/photos`, form,
        { headers: { 'X-Reporter-Token': reporterToken(this._ticket) } });
    } catch (failure) {
      if (!(failure instanceof ApiError)) throw failure;
      showProblem(error, failure.problem);
    } finally {
      progress.hidden = true;
      input.disabled = false;
      input.value = '';
    }
    await this._load();
  }
}

const photoLink = (photo, alt) => h('a', { href: photo.url, class: 'track-photo', 'data-kind': photo.kind },
  h('img', { src: photo.thumbUrl, alt, width: photo.width, height: photo.height, loading: 'lazy' }));

/** "petugas OPD", or "Budi (petugas OPD)" where the city shows staff names. */
function actorLabel(step) {
  const role = t(`actor.${step.actorRole}`);
  return step.actorName ? `${step.actorName} (${role})` : role;
}
