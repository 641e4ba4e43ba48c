// One complaint as its OPD's staff see it (GET /api/staff/complaints/{ticket}): a small map of its pin, the facts, the
// crew member it is assigned to, the reporter's contacts, every photo, the timeline with internal notes and who made
// each step, and the moves this user may make now (an assignment picks from the OPD's crew, GET /api/staff/crew).
// A bottom sheet on a phone, a side panel on a wide screen (the report panel's .sheet).

import L from 'leaflet';
import { ApiError, getJson, query, showProblem } from '../api.js';
import { categoryByCode, categoryIcon } from '../categories.js';
import { h, listen, svg } from '../dom.js';
import { categoryName, formatDateTime, formatDistance, onLangChange, statusLabel, t } from '../i18n.js';
import { createMap } from '../map.js';
import { deadlineBadge } from './deadline.js';
import { showResult, StatusActions } from './status-actions.js';

/** An area or agency as the API gives it: a code, or {code, name}. */
const nameOf = (value) => (typeof value === 'string' ? value : value?.name ?? value?.code ?? '');

export class StaffDetail {
  /**
   * opds: targets for re-routing; config: GET /api/config (the map's tiles); admin: whether the reader works for every
   * OPD (the crew list is then the complaint's OPD's); onChanged(result) after a move made here; onClosed(ticket) when
   * the reader closes it.
   */
  constructor(section, { opds, config, admin = false, onChanged, onClosed }) {
    this._section = section;
    this._body = section.querySelector('#queue-detail-body');
    this._error = section.querySelector('#queue-detail-error');
    this._title = section.querySelector('#queue-detail-title');
    this._opds = opds;
    this._config = config;
    this._admin = admin;
    this._onChanged = onChanged;
    this._onClosed = onClosed;
    this._ticket = null;
    this._detail = null;
    this._result = null;
  }

  add() {
    this._unsubscribe = [
      listen(this._section.querySelector('#btn-close-detail'), 'click', () => this._close()),
      listen(this._section, 'keydown', (event) => {
        if (event.key === 'Escape') this._close();
      }),
      onLangChange(() => this._render()),
    ];
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this.hide();
  }

  get ticket() {
    return this._ticket;
  }

  async show(ticket) {
    if (ticket !== this._ticket) {
      this.hide();
      this._ticket = ticket;
      this._facts = h('div', { class: 'detail-facts' });
      this._actionsBox = h('div', { class: 'detail-actions' });
      this._resultBox = h('div', { class: 'action-result', role: 'status', tabindex: -1, hidden: true });
      this._mapBox = h('div', { class: 'detail-map', role: 'region', 'aria-label': t('queue.detailMapLabel') });
      this._body.replaceChildren(this._mapBox, this._facts, this._resultBox, this._actionsBox);
      this._actions = new StatusActions(this._actionsBox, ticket, {
        internal: true,
        opds: this._opds,
        crew: async (opd) => (await getJson(`/api/staff/crew${query({ opd: this._admin ? opd : '' })}`)).items,
        onDone: (result) => {
          this._result = result;
          this._rerouted = result.opd !== this._detail?.opd ? this._opdName(result.opd) : null;
          showResult(this._resultBox, result, { rerouted: this._rerouted });
          // The buttons are drawn again for the new status: keep the keyboard in the panel, on what just happened.
          this._resultBox.focus();
          this.reload();
          this._onChanged(result);
        },
        onStale: () => this.reload(),
      });
      this._actions.add();
      this._section.dataset.ticket = ticket;
      this._section.hidden = false;
      this._title.textContent = ticket;
      this._title.focus();
    }
    await this.reload();
  }

  _close() {
    const ticket = this._ticket;
    this.hide();
    this._onClosed?.(ticket);
  }

  hide() {
    this._actions?.remove();
    this._actions = null;
    this._map?.remove();
    this._map = null;
    this._pin = null;
    this._ticket = null;
    this._detail = null;
    this._result = null;
    this._rerouted = null;
    this._error.hidden = true;
    this._body.replaceChildren();
    delete this._section.dataset.ticket;
    this._section.hidden = true;
  }

  async reload() {
    const ticket = this._ticket;
    if (!ticket) return;
    try {
      const detail = await getJson(`/api/staff/complaints/${encodeURIComponent(ticket)}`);
      if (ticket !== this._ticket) return; // another complaint was opened meanwhile
      this._detail = detail;
      this._error.hidden = true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (this._rerouted && error.status === 403) {
        // Re-routed out of this OPD: nothing more to see or do here; the result says where it went.
        this._facts.replaceChildren();
        this._actionsBox.hidden = true;
        return;
      }
      showProblem(this._error, error.problem);
      return;
    }
    this._render();
    this._showPin();
    this._actions.show(this._detail);
  }

  // The map is made once per complaint opened (Leaflet needs its box on the page) and follows a moved pin.
  _showPin() {
    const at = [this._detail.lat, this._detail.lon];
    if (!this._map) {
      this._map = createMap(this._mapBox, this._config, { center: at, zoom: 17 });
    }
    this._pin?.remove();
    this._pin = L.marker(at, {
      icon: L.divIcon({ className: 'ujar-marker detail-pin', html: categoryIcon(this._detail.category), iconSize: [28, 28] }),
      keyboard: false, interactive: false,
    }).addTo(this._map);
    this._pin.getElement().dataset.status = this._detail.status;
    this._map.setView(at, this._map.getZoom());
  }

  _opdName(code) {
    const opd = this._opds.find((candidate) => candidate.code === (code?.code ?? code));
    return opd?.name ?? nameOf(code);
  }

  _render() {
    if (!this._detail) return;
    if (this._result) showResult(this._resultBox, this._result, { rerouted: this._rerouted });
    const c = this._detail;
    const category = categoryByCode(c.category);
    const reporter = c.reporter;
    this._section.dataset.status = c.status;
    this._facts.replaceChildren(
      h('p', { class: 'detail-status' },
        h('span', { class: 'status-badge', 'data-status': c.status }, statusLabel(c.status)),
        c.needsReview ? h('span', { class: 'review-badge' }, t('queue.review')) : null),
      h('dl', { class: 'facts' },
        h('dt', {}, t('track.category')),
        h('dd', {}, h('span', { class: 'category-icon' }, svg(categoryIcon(c.category))), categoryName(category) || c.category),
        h('dt', {}, t('area.kelurahan')), h('dd', {}, nameOf(c.kelurahan)),
        h('dt', {}, t('area.kecamatan')), h('dd', {}, nameOf(c.kecamatan)),
        h('dt', {}, t('area.opd')), h('dd', { class: 'detail-opd' }, this._opdName(c.opd)),
        c.assignee ? h('dt', {}, t('queue.assignee')) : null,
        c.assignee ? h('dd', { class: 'detail-assignee' }, c.assignee.name) : null,
        h('dt', {}, t('track.filed')), h('dd', {}, formatDateTime(c.createdAt)),
        h('dt', {}, t('queue.channel')),
        h('dd', { class: 'detail-channel', 'data-channel': c.channel },
          t(`channel.${c.channel}`), c.channelSource ? ` · ${c.channelSource}` : ''),
        c.deadline ? h('dt', {}, t(`deadline.${c.deadline.kind}`)) : null,
        c.deadline ? h('dd', {}, deadlineBadge(c.deadline, { withKind: false })) : null,
        h('dt', {}, t('track.support')), h('dd', {}, String(c.supportCount))),
      h('p', { class: 'description' }, c.description ?? ''),
      h('h3', {}, t('queue.reporter')),
      reporter
        ? h('dl', { class: 'facts detail-reporter' },
          reporter.name ? h('dt', {}, t('report.name')) : null, reporter.name ? h('dd', {}, reporter.name) : null,
          reporter.phone ? h('dt', {}, t('report.phone')) : null,
          reporter.phone ? h('dd', {}, h('a', { href: `tel:${reporter.phone}` }, reporter.phone),
            // A WhatsApp reporter can be answered where they wrote.
            ...(c.channel === 'whatsapp' ? [' · ', h('a', { href: `https://wa.me/${reporter.phone.replace(/\D/g, '')}`, target: '_blank', rel: 'noopener noreferrer' },
              t('queue.whatsappChat'))] : [])) : null,
          reporter.email ? h('dt', {}, t('report.email')) : null,
          reporter.email ? h('dd', {}, h('a', { href: `mailto:${reporter.email}` }, reporter.email)) : null)
        : h('p', { class: 'hint detail-reporter' }, t('queue.anonymous')),
      h('h3', {}, t('track.photos')),
      c.photos?.length ? photoList(c.photos, c.ticket) : h('p', { class: 'hint' }, t('track.noPhotos')),
      // The reporter's system keeps this file; Ujar never fetches it, so it opens from the staff member's browser.
      c.mediaLink ? h('p', { class: 'detail-media-link' }, t('queue.mediaLink'), ' ',
        h('a', { href: c.mediaLink, target: '_blank', rel: 'noopener noreferrer nofollow' }, hostOf(c.mediaLink))) : null,
      h('h3', {}, t('track.timeline')),
      h('ol', { class: 'timeline detail-timeline' }, ...(c.timeline ?? []).map((step) => timelineStep(step, c.ticket))));
  }
}

function hostOf(link) {
  try {
    return new URL(link).host;
  } catch {
    return link;
  }
}

function photoList(photos, ticket) {
  return h('div', { class: 'track-photos' }, ...photos.map((photo) =>
    h('a', { href: photo.url, class: 'track-photo', 'data-kind': photo.kind ?? '', target: '_blank', rel: 'noopener' },
      h('img', { src: photo.thumbUrl, alt: t('track.photoAlt', { ticket }), loading: 'lazy' }),
      photo.kind === 'before' || photo.kind === 'after' ? h('span', { class: 'photo-kind' }, t(`photo.${photo.kind}`)) : null)));
}

function timelineStep(step, ticket) {
  const actor = [step.actorName, step.actorRole ? t(`actor.${step.actorRole}`) : null].filter(Boolean).join(', ');
  return h('li', { class: 'timeline-step', 'data-status': step.to, 'data-review': String(Boolean(step.needsReview)) },
    h('span', { class: 'status-badge', 'data-status': step.to }, statusLabel(step.to)),
    h('time', { datetime: step.at }, formatDateTime(step.at)),
    actor ? h('span', { class: 'timeline-actor' }, t('queue.by', { name: actor })) : null,
    step.note ? h('p', { class: 'timeline-note' }, step.note) : null,
    step.internalNote ? h('p', { class: 'timeline-internal' }, h('strong', {}, `${t('queue.internal')}: `), step.internalNote) : null,
    step.needsReview ? h('p', { class: 'review-badge' }, t('queue.review'),
      step.distanceFromPinMeters != null ? ` · ${t('queue.fromPin', { m: formatDistance(step.distanceFromPinMeters) })}` : '') : null,
    step.photos?.length ? photoList(step.photos, ticket) : null);
}
