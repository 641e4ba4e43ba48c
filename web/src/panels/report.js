// The report flow (#report-panel): pin → routing preview → category (→ nearby duplicates) → details → send.
// The pin is checked with GET /api/route as it moves, so a pin outside the city is refused before anything is
// typed. While the panel is open the map shrinks to the part above (phone) or beside (wider) it, so the pin is always
// placed, and dragged, in sight. The form is checked here first (focus goes to the first field to fix); photos are
// made small in the browser (photos.js) and sent with a progress bar, a cancel and a timeout. Sending is JSON, or
// multipart (part `complaint` + files `photos`), with an Idempotency-Key kept until it succeeds (in the draft too), so
// a retry, a reload or the offline outbox (outbox.js) never files twice. The draft survives a reload.

import L from 'leaflet';
import { ApiError, describeProblem, getJson, localProblem, query, showProblem } from '../api.js';
import { categoryIcon } from '../categories.js';
import { h, listen, svg } from '../dom.js';
import { categoryName, lang, onLangChange, t } from '../i18n.js';
import { dropQueued, queueComplaint, queuedComplaints } from '../outbox.js';
import { formatBytes, shrinkPhoto } from '../photos.js';
import { newIdempotencyKey, rememberReport, saveReporterToken } from '../tokens.js';
import { postWithProgress, uploadTimeoutMs } from '../upload.js';

const MAX_PHOTOS = 3;
const PIN_ZOOM = 17;
// A tap on a city-wide view is hundreds of metres wide: below this zoom the map first zooms in on the tapped spot.
const PLACE_MIN_ZOOM = 14;
const DRAFT_KEY = 'ujar.reportDraft';
// Which input a field named in the server's `errors` (or found wrong here) belongs to.
const FIELD_INPUTS = {
  category: 'category-list',
  description: 'description',
  photos: 'photos',
  'contact.name': 'contact-name',
  'contact.phone': 'contact-phone',
  'contact.email': 'contact-email',
};

const pinIcon = () => L.divIcon({
  className: 'ujar-pin',
  html: '<svg viewBox="0 0 32 44" width="32" height="44" aria-hidden="true"><path d="M16 1C7.7 1 1 7.6 1 15.8 1 27 16 43 16 43s15-16 15-27.2C31 7.6 24.3 1 16 1z"/><circle cx="16" cy="16" r="6"/></svg>',
  iconSize: [32, 44],
  iconAnchor: [16, 43],
});

export class ReportPanel {
  /** root: the map page; onFiled(point): show the new complaint at once; duplicates: a DuplicatesPanel;
   *  onOpen(): the page closes its other sheet. */
  constructor(root, map, { categories, duplicates, onFiled, onOpen }) {
    this._map = map;
    this._categories = categories;
    this._duplicates = duplicates;
    this._onFiled = onFiled;
    this._onOpen = onOpen;
    this._el = (id) => root.querySelector(`#${id}`);
    this._panel = this._el('report-panel');
    this._form = this._el('report-form');
    this._pin = null;
    this._route = null;
    this._routeProblem = null;
    this._submitProblem = null;
    this._invalid = null;
    this._locateNote = null;
    this._sending = false;
    this._upload = null;
    this._idempotencyKey = null;
    this._photos = [];
    this._photosReady = Promise.resolve();
    this._notice = null;
    this._flushing = false;
  }

  add() {
    this._renderCategories();
    const el = this._el;
    this._unsubscribe = [
      listen(el('btn-report'), 'click', () => this.open()),
      listen(el('btn-close-report'), 'click', () => this._close()),
      listen(this._panel, 'keydown', (event) => event.key === 'Escape' && this._close()),
      listen(el('btn-locate'), 'click', () => this._locate()),
      listen(el('btn-center-pin'), 'click', () => this._placePin(this._map.getCenter())),
      listen(el('category-options'), 'change', () => this._pinOrCategoryChanged()),
      listen(el('description'), 'input', () => this._renderCount()),
      listen(el('photos'), 'change', () => this._photosChanged()),
      listen(el('photo-previews'), 'click', (event) => {
        const button = event.target.closest('[data-remove-photo]');
        if (button) this._removePhoto(Number(button.dataset.removePhoto));
      }),
      listen(el('anonymous'), 'change', () => this._anonymousChanged()),
      // Whatever the user does next makes an old refusal stale: it goes, and a local check is made again.
      listen(this._form, 'input', () => this._formEdited()),
      listen(this._form, 'change', () => this._formEdited()),
      listen(this._form, 'submit', (event) => {
        event.preventDefault();
        this._submit();
      }),
      listen(el('btn-cancel-upload'), 'click', () => this._upload?.abort()),
      listen(el('btn-new-report'), 'click', () => this._showForm()),
      listen(el('btn-copy-ticket'), 'click', () => this._copyTicket()),
      listen(el('btn-share-ticket'), 'click', () => this._shareTicket()),
      listen(window, 'online', () => this._flushOutbox()),
      onLangChange(() => this._relabel()),
    ];
    this._map.on('click', this._mapClicked, this);
    this._duplicates.add();
    this._restoreDraft();
    this._flushOutbox();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._upload?.abort();
    this._map.off('click', this._mapClicked, this);
    this._duplicates.remove();
    this._removePin();
    this._clearPreviews();
    this._el('category-options').replaceChildren();
    document.body.classList.remove('reporting');
  }

  get isOpen() {
    return !this._panel.hidden;
  }

  open() {
    this._onOpen?.();
    this._panel.hidden = false;
    this._el('btn-report').setAttribute('aria-expanded', 'true');
    document.body.classList.add('reporting');
    this._fitMap();
    this._el('report-title').focus();
  }

  _close() {
    this._panel.hidden = true;
    this._el('btn-report').setAttribute('aria-expanded', 'false');
    document.body.classList.remove('reporting');
    this._fitMap();
    this._removePin();
    this._saveDraft();
    this._showForm();
    this._el('btn-report').focus();
  }

  // The panel takes (or gives back) part of the map area. A phone's sheet comes from below: the map keeps its top,
  // which is what was in sight above the sheet. Beside a wider map the map keeps its centre.
  _fitMap() {
    const widthChanged = this._map.getSize().x !== this._map.getContainer().clientWidth;
    this._map.invalidateSize({ pan: widthChanged });
  }

  _mapClicked(event) {
    if (this._panel.hidden || this._form.hidden) return;
    if (this._map.getZoom() < PLACE_MIN_ZOOM) this._map.setView(event.latlng, PIN_ZOOM);
    this._placePin(event.latlng);
  }

  _placePin(latlng) {
    if (this._pin) {
      this._pin.setLatLng(latlng);
    } else {
      this._pin = L.marker(latlng, { icon: pinIcon(), draggable: true, autoPan: true, zIndexOffset: 1000 }).addTo(this._map);
      this._pin.on('dragend', () => this._pinOrCategoryChanged());
      this._labelPin();
    }
    this._pinOrCategoryChanged();
  }

  _removePin() {
    this._routeAbort?.abort();
    this._pin?.remove();
    this._pin = null;
    this._route = null;
    this._routeProblem = null;
    this._duplicates.clear();
    this._renderRoute();
  }

  _labelPin() {
    const element = this._pin?.getElement();
    if (!element) return;
    element.setAttribute('aria-label', t('report.pin'));
    element.title = t('report.pin');
  }

  _locate() {
    const button = this._el('btn-locate');
    if (!navigator.geolocation) {
      this._locateNote = 'report.locateFailed';
      this._renderLocate();
      return;
    }
    button.disabled = true;
    this._locateNote = 'report.locating';
    this._renderLocate();
    navigator.geolocation.getCurrentPosition(
      (position) => {
        button.disabled = false;
        this._locateNote = null;
        this._renderLocate();
        const latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        this._map.setView(latlng, Math.max(this._map.getZoom(), PIN_ZOOM));
        this._placePin(latlng);
      },
      () => {
        button.disabled = false;
        this._locateNote = 'report.locateFailed';
        this._renderLocate();
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  _selectedCategory() {
    return this._form.querySelector('input[name=category]:checked')?.value ?? null;
  }

  _pinOrCategoryChanged() {
    this._saveDraft();
    if (!this._pin) return;
    this._userActed();
    const { lat, lng } = this._pin.getLatLng();
    const category = this._selectedCategory();
    this._checkRoute(lat, lng, category);
    if (category) this._duplicates.show(lat, lng, category);
    else this._duplicates.clear();
  }

  async _checkRoute(lat, lon, category) {
    this._routeAbort?.abort();
    const abort = new AbortController();
    this._routeAbort = abort;
    this._route = null;
    this._routeProblem = null;
    this._renderRoute();
    try {
      this._route = await getJson(`/api/route${query({ lat: lat.toFixed(6), lon: lon.toFixed(6), category })}`, { signal: abort.signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      this._routeProblem = error.problem;
      this._routeRefused = error.status > 0;
    }
    this._renderRoute();
  }

  _renderRoute() {
    const route = this._route;
    this._el('route-preview').hidden = !route;
    if (route) {
      this._el('route-kelurahan').textContent = route.kelurahan.name ?? route.kelurahan.code;
      this._el('route-kecamatan').textContent = route.kecamatan.name ?? route.kecamatan.code;
      const opd = this._el('route-opd');
      opd.dataset.needsCategory = String(!route.opd);
      opd.textContent = route.opd ? (route.opd.name ?? route.opd.code) : t('report.opdNeedsCategory');
      const snapped = this._el('route-snapped');
      snapped.hidden = !route.snapped;
      snapped.textContent = route.snapped ? t('report.snapped', { m: `${Math.round(route.snappedMeters)} m` }) : '';
    }
    const error = this._el('route-error');
    if (this._routeProblem) showProblem(error, this._routeProblem);
    else error.hidden = true;
    this._renderSubmitButton();
  }

  // Only a refusal by the server (a pin outside the city) blocks sending; without a network the complaint is queued.
  _renderSubmitButton() {
    const button = this._el('btn-submit');
    button.disabled = this._sending || Boolean(this._routeProblem && this._routeRefused);
    const key = this._sending ? 'report.sending' : this._idempotencyKey && this._submitProblem ? 'report.retry' : 'report.submit';
    button.dataset.i18n = key;
    button.textContent = t(key);
  }

  _renderLocate() {
    const note = this._el('locate-note');
    note.hidden = !this._locateNote;
    note.textContent = this._locateNote ? t(this._locateNote) : '';
  }

  _renderCategories() {
    this._el('category-options').replaceChildren(...this._categories.map((category) =>
      h('label', { class: 'category-option' },
        h('input', { type: 'radio', name: 'category', value: category.code }),
        h('span', { class: 'category-icon', 'data-icon': category.icon }, svg(categoryIcon(category.code))),
        h('span', { class: 'category-name', 'data-code': category.code }, categoryName(category)))));
  }

  _renderCount() {
    this._el('description-count').textContent = `${this._el('description').value.length} / 4000`;
  }

  // Chosen photos are added to the ones kept (a phone's camera gives one at a time), made small, then previewed.
  _photosChanged() {
    const input = this._el('photos');
    const chosen = [...input.files];
    input.value = '';
    const room = MAX_PHOTOS - this._photos.length;
    const tooMany = chosen.length > room;
    const note = this._el('photos-note');
    note.hidden = !tooMany;
    note.textContent = tooMany ? t('report.tooManyPhotos') : '';
    const taken = chosen.slice(0, Math.max(0, room));
    if (!taken.length) return;
    this._el('photo-previews').dataset.preparing = 'true';
    this._photosReady = this._photosReady.then(async () => {
      for (const original of taken) {
        const file = await shrinkPhoto(original);
        this._photos.push({ file, originalSize: original.size, url: URL.createObjectURL(file) });
      }
      this._renderPreviews();
      this._saveDraft();
      delete this._el('photo-previews').dataset.preparing;
    });
  }

  _removePhoto(index) {
    const [removed] = this._photos.splice(index, 1);
    if (removed) URL.revokeObjectURL(removed.url);
    this._el('photos-note').hidden = true;
    this._renderPreviews();
    this._el('photos').focus();
  }

  _renderPreviews() {
    const locale = lang() === 'en' ? 'en-GB' : 'id-ID';
    this._el('photo-previews').replaceChildren(...this._photos.map(({ file, originalSize, url }, index) =>
      h('li', { class: 'photo-preview', 'data-bytes': file.size, 'data-original-bytes': originalSize },
        h('img', { src: url, alt: file.name, width: 72, height: 72 }),
        h('small', { class: 'photo-size' }, file.size < originalSize
          ? t('report.photoShrunk', { from: formatBytes(originalSize, locale), to: formatBytes(file.size, locale) })
          : formatBytes(file.size, locale)),
        h('button', { type: 'button', class: 'btn-icon', 'data-remove-photo': index, 'aria-label': t('report.removePhoto', { name: file.name }) }, '✕'))));
  }

  _clearPreviews() {
    for (const { url } of this._photos) URL.revokeObjectURL(url);
    this._photos = [];
    this._el('photo-previews').replaceChildren();
  }

  _anonymousChanged() {
    const anonymous = this._el('anonymous').checked;
    this._el('contact-fields').hidden = anonymous;
    if (anonymous) for (const id of ['contact-name', 'contact-phone', 'contact-email']) this._el(id).value = '';
  }

  _complaintJson() {
    const { lat, lng } = this._pin.getLatLng();
    const anonymous = this._el('anonymous').checked;
    const complaint = {
      lat: Number(lat.toFixed(6)),
      lon: Number(lng.toFixed(6)),
      category: this._selectedCategory() ?? undefined,
      description: this._el('description').value,
      anonymous,
    };
    if (!anonymous) {
      const contact = {
        name: this._el('contact-name').value.trim(),
        phone: this._el('contact-phone').value.trim(),
        email: this._el('contact-email').value.trim(),
      };
      if (contact.name || contact.phone || contact.email) complaint.contact = contact;
    }
    return complaint;
  }

  /** What is wrong before anything is sent, in the order of the form: [[field, message key]]. The server checks
   *  the same rules (ComplaintRules.cs); this only saves a round trip and says it sooner. */
  _validate() {
    const wrong = [];
    if (!this._pin) wrong.push(['location', 'report.needPin']);
    if (!this._selectedCategory()) wrong.push(['category', 'report.needCategory']);
    if (!this._el('description').value.trim()) wrong.push(['description', 'report.needDescription']);
    const email = this._el('contact-email').value.trim();
    if (!this._el('anonymous').checked && email && !email.includes('@')) wrong.push(['contact.email', 'report.badEmail']);
    return wrong;
  }

  _focusField(field) {
    if (field === 'location') this._el('btn-center-pin').focus();
    else if (field === 'category') this._form.querySelector('input[name=category]').focus();
    else this._el(FIELD_INPUTS[field])?.focus();
  }

  _formEdited() {
    this._userActed();
    this._saveDraft();
  }

  _userActed() {
    if (this._sending) return;
    if (this._invalid) {
      this._invalid = this._validate();
      if (!this._invalid.length) this._invalid = null;
    }
    if (this._submitProblem) this._submitProblem = null;
    this._renderSubmitProblem();
    this._renderSubmitButton();
  }

  async _submit() {
    if (this._sending) return;
    const wrong = this._validate();
    this._submitProblem = null;
    this._invalid = wrong.length ? wrong : null;
    this._renderSubmitProblem();
    if (wrong.length) {
      this._focusField(wrong[0][0]);
      return;
    }
    this._setSending(true);
    await this._photosReady;
    const item = { key: (this._idempotencyKey ??= newIdempotencyKey()), complaint: this._complaintJson(), photos: this._photos.map((p) => p.file) };
    this._saveDraft();
    const abort = new AbortController();
    this._upload = abort;
    const progress = this._el('upload-progress');
    progress.value = 0;
    this._el('upload-box').hidden = false;
    try {
      const filed = await sendComplaint(item, {
        signal: abort.signal,
        onProgress: (sent, total) => {
          if (total) progress.value = Math.round((100 * sent) / total);
        },
      });
      this._filed(filed, item.complaint);
    } catch (error) {
      if (error.name === 'AbortError') this._submitProblem = localProblem('upload.cancelled', 'upload.cancelledDetail');
      else if (!(error instanceof ApiError)) throw error;
      else if (error.status === 0 && !navigator.onLine) await this._queue(item);
      else this._submitProblem = error.problem;
    } finally {
      this._upload = null;
      this._el('upload-box').hidden = true;
      this._setSending(false);
      this._renderSubmitProblem();
    }
  }

  _setSending(sending) {
    this._sending = sending;
    this._renderSubmitButton();
  }

  _renderSubmitProblem() {
    const box = this._el('report-error');
    for (const id of Object.values(FIELD_INPUTS)) this._el(id).removeAttribute('aria-invalid');
    if (this._invalid) {
      box.replaceChildren(h('strong', {}, t('report.checkFields')),
        h('ul', {}, ...this._invalid.map(([field, key]) => h('li', { 'data-field': field }, t(key)))));
      box.hidden = false;
      for (const [field] of this._invalid) if (FIELD_INPUTS[field]) this._el(FIELD_INPUTS[field]).setAttribute('aria-invalid', 'true');
      return;
    }
    if (!this._submitProblem) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    showProblem(box, this._submitProblem);
    for (const [field] of describeProblem(this._submitProblem).fields) {
      if (FIELD_INPUTS[field]) this._el(FIELD_INPUTS[field]).setAttribute('aria-invalid', 'true');
    }
  }

  _resetForm() {
    this._form.reset();
    this._idempotencyKey = null;
    this._submitProblem = null;
    this._invalid = null;
    this._renderSubmitProblem();
    this._clearPreviews();
    this._renderCount();
    this._anonymousChanged();
    this._removePin();
    localStorage.removeItem(DRAFT_KEY);
    this._el('draft-note').hidden = true;
  }

  _filed(filed, complaint) {
    this._remember(filed, complaint);
    this._resetForm();
    this._el('ticket-number').textContent = filed.ticket;
    this._el('ticket-link').href = `/lacak/${encodeURIComponent(filed.ticket)}`;
    this._el('btn-share-ticket').hidden = !navigator.share;
    this._el('copy-note').hidden = true;
    this._form.hidden = true;
    const success = this._el('report-success');
    success.hidden = false;
    success.focus();
  }

  _remember(filed, complaint) {
    saveReporterToken(filed.ticket, filed.reporterToken);
    rememberReport({ ticket: filed.ticket, category: filed.category, createdAt: filed.createdAt });
    this._onFiled({
      ticket: filed.ticket, category: filed.category, status: filed.status, createdAt: filed.createdAt,
      lat: complaint.lat, lon: complaint.lon, supportCount: 0, thumbUrl: filed.photos?.[0]?.thumbUrl ?? null,
    });
  }

  _showForm() {
    this._el('report-success').hidden = true;
    this._form.hidden = false;
  }

  _ticketUrl() {
    return new URL(this._el('ticket-link').getAttribute('href'), location.href).href;
  }

  async _copyTicket() {
    const note = this._el('copy-note');
    try {
      await navigator.clipboard.writeText(this._ticketUrl());
      note.dataset.i18n = 'success.copied';
    } catch {
      note.dataset.i18n = 'success.copyFailed';
    }
    note.textContent = t(note.dataset.i18n);
    note.hidden = false;
  }

  async _shareTicket() {
    const ticket = this._el('ticket-number').textContent;
    try {
      await navigator.share({ title: `Ujar ${ticket}`, text: t('success.shareText', { ticket }), url: this._ticketUrl() });
    } catch {
      // the user closed the share sheet: nothing to say
    }
  }

  // ---------- the draft: kept across reloads ----------

  _saveDraft() {
    if (!this._form || this._form.hidden) return;
    const pin = this._pin?.getLatLng();
    const draft = {
      lat: pin?.lat ?? null,
      lon: pin?.lng ?? null,
      category: this._selectedCategory(),
      description: this._el('description').value,
      anonymous: this._el('anonymous').checked,
      name: this._el('contact-name').value,
      phone: this._el('contact-phone').value,
      email: this._el('contact-email').value,
      key: this._idempotencyKey,
    };
    const empty = draft.lat === null && !draft.category && !draft.description.trim() && !draft.name && !draft.phone && !draft.email;
    try {
      if (empty && !draft.key) localStorage.removeItem(DRAFT_KEY);
      else localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch {
      // storage full or blocked: the form still works, it just is not kept
    }
  }

  _restoreDraft() {
    let draft;
    try {
      draft = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null');
    } catch {
      draft = null;
    }
    if (!draft) return;
    this._el('description').value = draft.description ?? '';
    this._el('anonymous').checked = Boolean(draft.anonymous);
    this._el('contact-name').value = draft.name ?? '';
    this._el('contact-phone').value = draft.phone ?? '';
    this._el('contact-email').value = draft.email ?? '';
    this._idempotencyKey = draft.key ?? null;
    const radio = this._form.querySelector(`input[name=category][value="${CSS.escape(draft.category ?? '')}"]`);
    if (radio) radio.checked = true;
    this._renderCount();
    this._anonymousChanged();
    this.open();
    if (draft.lat !== null && draft.lon !== null) {
      this._map.setView([draft.lat, draft.lon], Math.max(this._map.getZoom(), PIN_ZOOM));
      this._placePin(L.latLng(draft.lat, draft.lon));
    }
    const note = this._el('draft-note');
    note.dataset.i18n = 'report.draftRestored';
    note.textContent = t('report.draftRestored');
    note.hidden = false;
  }

  // ---------- the outbox: complaints sent without a network ----------

  async _queue(item) {
    await queueComplaint({ ...item, queuedAt: new Date().toISOString() });
    this._resetForm();
    this._close();
    this._showNotice('notice.queued');
  }

  /** Sends what waits in the outbox, oldest first; stops at the first network failure (still offline). */
  async _flushOutbox() {
    if (this._flushing || !navigator.onLine) return;
    this._flushing = true;
    try {
      const waiting = (await queuedComplaints()).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
      for (const item of waiting) {
        let filed;
        try {
          filed = await sendComplaint(item, {});
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.status === 0) return;
          await dropQueued(item.key);
          this._showNotice('notice.queuedRefused', {}, error.problem);
          continue;
        }
        await dropQueued(item.key);
        this._remember(filed, item.complaint);
        this._showNotice('notice.queuedSent', { ticket: filed.ticket }, null, filed.ticket);
      }
    } catch (error) {
      console.warn('Ujar: outbox not sent', error);
    } finally {
      this._flushing = false;
    }
  }

  _showNotice(key, params = {}, problem = null, ticket = null) {
    this._notice = { key, params, problem, ticket };
    this._renderNotice();
  }

  _renderNotice() {
    const box = this._el('map-notice');
    if (!this._notice) {
      box.hidden = true;
      return;
    }
    const { key, params, problem, ticket } = this._notice;
    box.dataset.notice = key;
    box.replaceChildren(h('span', {}, t(key, params)),
      problem ? h('span', {}, ` ${describeProblem(problem).title}`) : null,
      ticket ? h('a', { href: `/lacak/${encodeURIComponent(ticket)}`, class: 'notice-link' }, t('success.track')) : null,
      h('button', { type: 'button', class: 'btn-icon', 'aria-label': t('notice.close'), 'data-close-notice': '' }, '✕'));
    box.querySelector('[data-close-notice]').addEventListener('click', () => {
      this._notice = null;
      this._renderNotice();
    });
    box.hidden = false;
  }

  _relabel() {
    for (const name of this._el('category-options').querySelectorAll('.category-name')) {
      name.textContent = categoryName(this._categories.find((c) => c.code === name.dataset.code));
    }
    this._labelPin();
    this._renderRoute();
    this._renderLocate();
    this._renderSubmitProblem();
    this._renderNotice();
    if (!this._el('photos-note').hidden) this._el('photos-note').textContent = t('report.tooManyPhotos');
    this._renderPreviews();
  }
}

/** POST /api/complaints for an item {key, complaint, photos}: JSON, or multipart when it has photos. */
function sendComplaint({ key, complaint, photos }, { signal, onProgress }) {
  let body;
  let bytes = 4096;
  if (photos.length) {
    body = new FormData();
    body.append('complaint', JSON.stringify(complaint));
    for (const photo of photos) {
      body.append('photos', photo, photo.name);
      bytes += photo.size;
    }
  } else {
    body = JSON.stringify(complaint);
  }
  return postWithProgress('/api/complaints', body, { headers: { 'Idempotency-Key': key }, signal, onProgress, timeoutMs: uploadTimeoutMs(bytes) });
}
