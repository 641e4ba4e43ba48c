// The report flow (#report-panel): pin → routing preview → category (→ nearby duplicates) → details → send.
// The pin is checked with GET /api/route as it moves, so a pin outside the city is refused before anything is
// typed. Sending is JSON, or multipart (part `complaint` + files `photos`) when photos are attached, with an
// Idempotency-Key kept until it succeeds, so a retry after a lost answer never files twice.

import L from 'leaflet';
import { ApiError, describeProblem, getJson, localProblem, postForm, postJson, query, showProblem } from '../api.js';
import { categoryIcon } from '../categories.js';
import { h, listen, svg } from '../dom.js';
import { categoryName, onLangChange, t } from '../i18n.js';
import { newIdempotencyKey, saveReporterToken } from '../tokens.js';

const MAX_PHOTOS = 3;
const PIN_ZOOM = 17;
// Which input a field named in the server's `errors` belongs to.
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
  /** root: the map page; onFiled(point): show the new complaint at once; duplicates: a DuplicatesPanel. */
  constructor(root, map, { categories, duplicates, onFiled }) {
    this._map = map;
    this._categories = categories;
    this._duplicates = duplicates;
    this._onFiled = onFiled;
    this._el = (id) => root.querySelector(`#${id}`);
    this._panel = this._el('report-panel');
    this._form = this._el('report-form');
    this._pin = null;
    this._route = null;
    this._routeProblem = null;
    this._submitProblem = null;
    this._locateNote = null;
    this._sending = false;
    this._idempotencyKey = null;
    this._previewUrls = [];
  }

  add() {
    this._renderCategories();
    const el = this._el;
    this._unsubscribe = [
      listen(el('btn-report'), 'click', () => this._open()),
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
      listen(this._form, 'submit', (event) => {
        event.preventDefault();
        this._submit();
      }),
      listen(el('btn-new-report'), 'click', () => this._showForm()),
      onLangChange(() => this._relabel()),
    ];
    this._map.on('click', this._mapClicked, this);
    this._duplicates.add();
  }

  remove() {
    for (const unsubscribe of this._unsubscribe) unsubscribe();
    this._map.off('click', this._mapClicked, this);
    this._duplicates.remove();
    this._removePin();
    this._clearPreviews();
    this._el('category-options').replaceChildren();
    document.body.classList.remove('reporting');
  }

  _open() {
    this._panel.hidden = false;
    this._el('btn-report').setAttribute('aria-expanded', 'true');
    document.body.classList.add('reporting');
    this._el('report-title').focus();
  }

  _close() {
    this._panel.hidden = true;
    this._el('btn-report').setAttribute('aria-expanded', 'false');
    document.body.classList.remove('reporting');
    this._removePin();
    this._showForm();
    this._el('btn-report').focus();
  }

  _mapClicked(event) {
    if (!this._panel.hidden && !this._form.hidden) this._placePin(event.latlng);
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
    if (!this._pin) return;
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
    }
    this._renderRoute();
  }

  _renderRoute() {
    const route = this._route;
    this._el('route-preview').hidden = !route;
    if (route) {
      this._el('route-kelurahan').textContent = route.kelurahan.name ?? route.kelurahan.code;
      this._el('route-kecamatan').textContent = route.kecamatan.name ?? route.kecamatan.code;
      this._el('route-opd').textContent = route.opd ? (route.opd.name ?? route.opd.code) : '—';
      const snapped = this._el('route-snapped');
      snapped.hidden = !route.snapped;
      snapped.textContent = route.snapped ? t('report.snapped', { m: `${Math.round(route.snappedMeters)} m` }) : '';
    }
    const error = this._el('route-error');
    if (this._routeProblem) showProblem(error, this._routeProblem);
    else error.hidden = true;
    this._el('btn-submit').disabled = !route || this._sending;
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

  _photosChanged() {
    const input = this._el('photos');
    const tooMany = input.files.length > MAX_PHOTOS;
    if (tooMany) this._keepPhotos([...input.files].slice(0, MAX_PHOTOS));
    const note = this._el('photos-note');
    note.hidden = !tooMany;
    note.textContent = tooMany ? t('report.tooManyPhotos') : '';
    this._renderPreviews();
  }

  _removePhoto(index) {
    this._keepPhotos([...this._el('photos').files].filter((_, i) => i !== index));
    this._el('photos-note').hidden = true;
    this._renderPreviews();
    this._el('photos').focus();
  }

  // A file input's list cannot be edited in place; a DataTransfer builds the replacement.
  _keepPhotos(files) {
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    this._el('photos').files = transfer.files;
  }

  _renderPreviews() {
    this._clearPreviews();
    const files = [...this._el('photos').files];
    this._previewUrls = files.map((file) => URL.createObjectURL(file));
    this._el('photo-previews').replaceChildren(...files.map((file, index) =>
      h('li', { class: 'photo-preview' },
        h('img', { src: this._previewUrls[index], alt: file.name, width: 72, height: 72 }),
        h('button', { type: 'button', class: 'btn-icon', 'data-remove-photo': index, 'aria-label': t('report.removePhoto', { name: file.name }) }, '✕'))));
  }

  _clearPreviews() {
    for (const url of this._previewUrls) URL.revokeObjectURL(url);
    this._previewUrls = [];
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

  async _submit() {
    if (this._sending) return;
    if (!this._pin) {
      this._showSubmitProblem(localProblem('report.needPin'));
      return;
    }
    const complaint = this._complaintJson();
    const photos = [...this._el('photos').files];
    this._idempotencyKey ??= newIdempotencyKey();
    const headers = { 'Idempotency-Key': this._idempotencyKey };
    this._setSending(true);
    try {
      let filed;
      if (photos.length) {
        const form = new FormData();
        form.append('complaint', JSON.stringify(complaint));
        for (const photo of photos) form.append('photos', photo, photo.name);
        filed = await postForm('/api/complaints', form, { headers });
      } else {
        filed = await postJson('/api/complaints', complaint, { headers });
      }
      this._filed(filed, complaint);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this._showSubmitProblem(error.problem);
    } finally {
      this._setSending(false);
    }
  }

  _setSending(sending) {
    this._sending = sending;
    const button = this._el('btn-submit');
    button.dataset.i18n = sending ? 'report.sending' : 'report.submit';
    button.textContent = t(button.dataset.i18n);
    button.disabled = sending || !this._route;
  }

  _showSubmitProblem(problem) {
    this._submitProblem = problem;
    this._renderSubmitProblem();
  }

  _renderSubmitProblem() {
    const box = this._el('report-error');
    for (const id of Object.values(FIELD_INPUTS)) this._el(id).removeAttribute('aria-invalid');
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

  _filed(filed, complaint) {
    saveReporterToken(filed.ticket, filed.reporterToken);
    this._onFiled({
      ticket: filed.ticket, category: filed.category, status: filed.status, createdAt: filed.createdAt,
      lat: complaint.lat, lon: complaint.lon, supportCount: 0, thumbUrl: filed.photos?.[0]?.thumbUrl ?? null,
    });
    this._form.reset();
    this._idempotencyKey = null;
    this._submitProblem = null;
    this._renderSubmitProblem();
    this._clearPreviews();
    this._renderCount();
    this._anonymousChanged();
    this._removePin();

    this._el('ticket-number').textContent = filed.ticket;
    this._el('ticket-link').href = `/lacak/${encodeURIComponent(filed.ticket)}`;
    this._form.hidden = true;
    const success = this._el('report-success');
    success.hidden = false;
    success.focus();
  }

  _showForm() {
    this._el('report-success').hidden = true;
    this._form.hidden = false;
  }

  _relabel() {
    for (const name of this._el('category-options').querySelectorAll('.category-name')) {
      name.textContent = categoryName(this._categories.find((c) => c.code === name.dataset.code));
    }
    this._labelPin();
    this._renderRoute();
    this._renderLocate();
    this._renderSubmitProblem();
    if (!this._el('photos-note').hidden) this._el('photos-note').textContent = t('report.tooManyPhotos');
    this._renderPreviews();
  }
}
