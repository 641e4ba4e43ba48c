// Every visible text in Bahasa Indonesia (default) and English. Static markup names its text with data-i18n
// (text), data-i18n-aria (aria-label) attributes; code asks t(key). The choice is remembered in localStorage.

const STRINGS = {
  id: {
    'app.skip': 'Langsung ke isi',
    'app.home': 'Ujar, beranda peta laporan',
    'lang.other': 'EN',
    'lang.switch': 'Switch to English',
    'live.connected': 'Langsung',
    'live.reconnecting': 'Menyambung ulang…',
    'live.disconnected': 'Terputus',
    'map.label': 'Peta laporan warga',
    'filter.label': 'Saring laporan',
    'filter.category': 'Kategori',
    'filter.allCategories': 'Semua',
    'filter.status': 'Status',
    'filter.allStatuses': 'Semua',
    'filter.open': 'Masih terbuka',
    'filter.period': 'Periode',
    'filter.days7': '7 hari',
    'filter.days30': '30 hari',
    'filter.days90': '90 hari',
    'filter.allTime': 'Semua',
    'planner.title': 'Peta perencana',
    'planner.controls': 'Lapisan dan saringan perencana',
    'planner.mapLabel': 'Peta titik rawan laporan',
    'planner.layer': 'Lapisan',
    'planner.custom': 'Tanggal pilihan',
    'planner.hujan': 'Musim hujan (Okt–Mar)',
    'planner.kemarau': 'Musim kemarau (Apr–Sep)',
    'planner.from': 'Dari',
    'planner.to': 'Sampai',
    'planner.cell': 'Ukuran sel (m)',
    'planner.band': 'Jarak tetangga (m, kosong = otomatis)',
    'planner.fdr': 'Koreksi FDR',
    'planner.eps': 'Jarak DBSCAN eps (m)',
    'planner.minPoints': 'Titik minimum',
    'planner.measure': 'Ukuran',
    'planner.export': 'Unduh lapisan',
    'planner.geojson': 'GeoJSON',
    'planner.csv': 'CSV',
    'planner.legend': 'Keterangan',
    'planner.details': 'Rincian',
    'planner.closeDetails': 'Tutup rincian',
    'planner.complaints': 'Laporan di sini',
    'planner.loadingComplaints': 'Memuat laporan…',
    'planner.noComplaints': 'Tidak ada laporan.',
    'planner.manyComplaints': '{n} laporan pertama ditampilkan.',
    'planner.categoriesChosen': '{n} kategori',
    'planner.bandUsed': 'Jarak tetangga yang dipakai: {m}',
    'planner.heatLow': 'Sedikit laporan',
    'planner.heatHigh': 'Banyak laporan',
    'planner.clusterItem': 'Klaster (angka = jumlah laporan)',
    'planner.noData': 'Tidak ada data',
    'planner.zero': '0 laporan',
    'planner.featureLabel': '{name}, {n} laporan',
    'prop.name': 'Nama',
    'prop.count': 'Jumlah laporan',
    'prop.z': 'Skor z (Gi*)',
    'prop.p': 'Nilai p',
    'prop.bin': 'Tingkat kepercayaan',
    'prop.trend': 'Tren',
    'prop.categories': 'Per kategori',
    'prop.dominantCategory': 'Kategori terbanyak',
    'prop.first': 'Laporan pertama',
    'prop.last': 'Laporan terakhir',
    'prop.kelurahanNames': 'Kelurahan',
    'prop.areaKm2': 'Luas (km²)',
    'prop.perKm2': 'Per km²',
    'prop.population': 'Penduduk',
    'prop.per1000': 'Per 1.000 penduduk',
    'prop.previousCount': 'Jumlah periode sebelumnya',
    'layer.heatmap': 'Peta panas',
    'layer.hex': 'Sel heksagon',
    'layer.gi': 'Hot spot Gi*',
    'layer.clusters': 'Klaster kepadatan',
    'layer.kelurahan': 'Per kelurahan',
    'layer.trend': 'Tren',
    'measure.count': 'Jumlah laporan',
    'measure.perKm2': 'Per km²',
    'measure.per1000': 'Per 1.000 penduduk',
    'gi.3': 'Hot spot 99 %',
    'gi.2': 'Hot spot 95 %',
    'gi.1': 'Hot spot 90 %',
    'gi.0': 'Tidak signifikan',
    'gi.-1': 'Cold spot 90 %',
    'gi.-2': 'Cold spot 95 %',
    'gi.-3': 'Cold spot 99 %',
    'trend.new': 'Baru',
    'trend.intensifying': 'Menguat',
    'trend.persistent': 'Menetap',
    'trend.diminishing': 'Melemah',
    'trend.no_pattern': 'Tanpa pola',
    'report.open': 'Lapor',
    'report.title': 'Laporkan masalah',
    'report.close': 'Tutup formulir laporan',
    'report.where': '1. Lokasi',
    'report.pinHint': 'Ketuk peta untuk menandai lokasi (pin bisa digeser), atau pakai lokasi Anda.',
    'report.locate': 'Lokasi saya',
    'report.locating': 'Mencari lokasi…',
    'report.centerPin': 'Tandai tengah peta',
    'report.locateFailed': 'Lokasi Anda tidak dapat ditentukan. Ketuk peta untuk menandai lokasi.',
    'report.pin': 'Lokasi laporan (geser untuk memindahkan)',
    'report.snapped': 'Titik berada {m} dari batas kelurahan terdekat; laporan diarahkan ke sana.',
    'report.what': '2. Kategori',
    'report.details': '3. Keterangan',
    'report.description': 'Uraian masalah',
    'report.photos': 'Foto (paling banyak 3)',
    'report.tooManyPhotos': 'Paling banyak 3 foto; foto selebihnya tidak dipakai.',
    'report.removePhoto': 'Hapus foto {name}',
    'report.contact': '4. Kontak (tidak ditampilkan ke publik)',
    'report.anonymous': 'Kirim tanpa identitas',
    'report.name': 'Nama',
    'report.phone': 'Nomor HP',
    'report.email': 'Email',
    'report.submit': 'Kirim laporan',
    'report.sending': 'Mengirim…',
    'report.needPin': 'Tandai lokasi di peta terlebih dahulu.',
    'success.thanks': 'Terima kasih! Laporan Anda sudah diterima dengan nomor tiket:',
    'success.keep': 'Simpan nomor ini untuk memantau penanganannya.',
    'success.track': 'Lacak laporan',
    'success.another': 'Buat laporan lain',
    'area.kelurahan': 'Kelurahan',
    'area.kecamatan': 'Kecamatan',
    'area.opd': 'Ditangani oleh',
    'dup.title': 'Sudah dilaporkan di dekat sini?',
    'dup.hint': 'Dukung laporan yang sama daripada membuat laporan baru.',
    'dup.support': 'Dukung',
    'dup.supported': 'Didukung',
    'dup.supportLabel': '{action} laporan {ticket}',
    'dup.distance': '{m} dari pin',
    'dup.supporters': 'dukungan',
    'popup.supporters': '{n} dukungan',
    'popup.track': 'Lihat perkembangan',
    'popup.zoomIn': '{n} laporan, perbesar peta',
    'marker.label': '{category}, {status}, tiket {ticket}',
    'track.back': '← Kembali ke peta',
    'track.ticket': 'Tiket',
    'track.status': 'Status',
    'track.mapLabel': 'Lokasi laporan di peta',
    'track.category': 'Kategori',
    'track.filed': 'Dilaporkan',
    'track.support': 'Dukungan warga',
    'track.photos': 'Foto',
    'track.noPhotos': 'Belum ada foto.',
    'track.photoAlt': 'Foto laporan {ticket}',
    'track.addPhotos': 'Tambah foto (Anda pelapor tiket ini)',
    'track.uploading': 'Mengunggah foto…',
    'track.timeline': 'Riwayat penanganan',
    'track.snapped': 'Titik dipindahkan {m} ke kelurahan terdekat.',
    'error.offline': 'Tidak dapat terhubung ke server',
    'error.offlineDetail': 'Periksa koneksi internet lalu coba lagi.',
    'error.generic': 'Terjadi kesalahan',
    'status.received': 'Diterima',
    'status.verified': 'Diverifikasi',
    'status.assigned': 'Ditugaskan',
    'status.in_progress': 'Sedang dikerjakan',
    'status.resolved': 'Selesai',
    'status.closed': 'Ditutup',
    'status.rejected': 'Ditolak',
    'status.duplicate': 'Duplikat',
    'status.not_our_remit': 'Bukan kewenangan Pemkot',
    'status.reopened': 'Dibuka kembali',
  },
  en: {
    'app.skip': 'Skip to content',
    'app.home': 'Ujar, complaint map home',
    'lang.other': 'ID',
    'lang.switch': 'Ganti ke Bahasa Indonesia',
    'live.connected': 'Live',
    'live.reconnecting': 'Reconnecting…',
    'live.disconnected': 'Disconnected',
    'map.label': "Map of citizens' complaints",
    'filter.label': 'Filter complaints',
    'filter.category': 'Category',
    'filter.allCategories': 'All',
    'filter.status': 'Status',
    'filter.allStatuses': 'All',
    'filter.open': 'Still open',
    'filter.period': 'Period',
    'filter.days7': '7 days',
    'filter.days30': '30 days',
    'filter.days90': '90 days',
    'filter.allTime': 'All',
    'planner.title': "Planners' map",
    'planner.controls': 'Planner layers and filters',
    'planner.mapLabel': 'Map of complaint hotspots',
    'planner.layer': 'Layer',
    'planner.custom': 'Custom dates',
    'planner.hujan': 'Rainy season (Oct–Mar)',
    'planner.kemarau': 'Dry season (Apr–Sep)',
    'planner.from': 'From',
    'planner.to': 'To',
    'planner.cell': 'Cell size (m)',
    'planner.band': 'Distance band (m, empty = automatic)',
    'planner.fdr': 'FDR correction',
    'planner.eps': 'DBSCAN eps (m)',
    'planner.minPoints': 'Minimum points',
    'planner.measure': 'Measure',
    'planner.export': 'Download layer',
    'planner.geojson': 'GeoJSON',
    'planner.csv': 'CSV',
    'planner.legend': 'Legend',
    'planner.details': 'Details',
    'planner.closeDetails': 'Close details',
    'planner.complaints': 'Complaints here',
    'planner.loadingComplaints': 'Loading complaints…',
    'planner.noComplaints': 'No complaints.',
    'planner.manyComplaints': 'The first {n} complaints are shown.',
    'planner.categoriesChosen': '{n} categories',
    'planner.bandUsed': 'Distance band used: {m}',
    'planner.heatLow': 'Few complaints',
    'planner.heatHigh': 'Many complaints',
    'planner.clusterItem': 'Cluster (number = complaints)',
    'planner.noData': 'No data',
    'planner.zero': '0 complaints',
    'planner.featureLabel': '{name}, {n} complaints',
    'prop.name': 'Name',
    'prop.count': 'Complaints',
    'prop.z': 'z-score (Gi*)',
    'prop.p': 'p-value',
    'prop.bin': 'Confidence',
    'prop.trend': 'Trend',
    'prop.categories': 'By category',
    'prop.dominantCategory': 'Most frequent category',
    'prop.first': 'First complaint',
    'prop.last': 'Last complaint',
    'prop.kelurahanNames': 'Kelurahan',
    'prop.areaKm2': 'Area (km²)',
    'prop.perKm2': 'Per km²',
    'prop.population': 'Residents',
    'prop.per1000': 'Per 1,000 residents',
    'prop.previousCount': 'Complaints, previous window',
    'layer.heatmap': 'Heatmap',
    'layer.hex': 'Hex bins',
    'layer.gi': 'Gi* hot spots',
    'layer.clusters': 'Density clusters',
    'layer.kelurahan': 'Per kelurahan',
    'layer.trend': 'Trend',
    'measure.count': 'Complaints',
    'measure.perKm2': 'Per km²',
    'measure.per1000': 'Per 1,000 residents',
    'gi.3': 'Hot spot 99 %',
    'gi.2': 'Hot spot 95 %',
    'gi.1': 'Hot spot 90 %',
    'gi.0': 'Not significant',
    'gi.-1': 'Cold spot 90 %',
    'gi.-2': 'Cold spot 95 %',
    'gi.-3': 'Cold spot 99 %',
    'trend.new': 'New',
    'trend.intensifying': 'Intensifying',
    'trend.persistent': 'Persistent',
    'trend.diminishing': 'Diminishing',
    'trend.no_pattern': 'No pattern',
    'report.open': 'Report',
    'report.title': 'Report a problem',
    'report.close': 'Close the report form',
    'report.where': '1. Location',
    'report.pinHint': 'Tap the map to mark the spot (you can drag the pin), or use your location.',
    'report.locate': 'My location',
    'report.locating': 'Finding your location…',
    'report.centerPin': 'Pin the map centre',
    'report.locateFailed': 'Your location could not be found. Tap the map to mark the spot.',
    'report.pin': 'Complaint location (drag to move)',
    'report.snapped': 'The point is {m} from the nearest kelurahan; the complaint goes there.',
    'report.what': '2. Category',
    'report.details': '3. Details',
    'report.description': 'Describe the problem',
    'report.photos': 'Photos (at most 3)',
    'report.tooManyPhotos': 'At most 3 photos; the rest are not used.',
    'report.removePhoto': 'Remove photo {name}',
    'report.contact': '4. Contact (never shown publicly)',
    'report.anonymous': 'Send anonymously',
    'report.name': 'Name',
    'report.phone': 'Mobile number',
    'report.email': 'Email',
    'report.submit': 'Send complaint',
    'report.sending': 'Sending…',
    'report.needPin': 'Mark the location on the map first.',
    'success.thanks': 'Thank you! Your complaint was received with ticket number:',
    'success.keep': 'Keep this number to follow its progress.',
    'success.track': 'Track complaint',
    'success.another': 'Report another problem',
    'area.kelurahan': 'Kelurahan',
    'area.kecamatan': 'Kecamatan',
    'area.opd': 'Handled by',
    'dup.title': 'Already reported nearby?',
    'dup.hint': 'Support an existing complaint instead of filing a new one.',
    'dup.support': 'Support',
    'dup.supported': 'Supported',
    'dup.supportLabel': '{action} complaint {ticket}',
    'dup.distance': '{m} from the pin',
    'dup.supporters': 'supporters',
    'popup.supporters': '{n} supporters',
    'popup.track': 'Follow progress',
    'popup.zoomIn': '{n} complaints, zoom in',
    'marker.label': '{category}, {status}, ticket {ticket}',
    'track.back': '← Back to the map',
    'track.ticket': 'Ticket',
    'track.status': 'Status',
    'track.mapLabel': 'Complaint location on the map',
    'track.category': 'Category',
    'track.filed': 'Filed',
    'track.support': 'Citizen support',
    'track.photos': 'Photos',
    'track.noPhotos': 'No photos yet.',
    'track.photoAlt': 'Photo of complaint {ticket}',
    'track.addPhotos': 'Add photos (you filed this ticket)',
    'track.uploading': 'Uploading photos…',
    'track.timeline': 'Progress',
    'track.snapped': 'The point was moved {m} to the nearest kelurahan.',
    'error.offline': 'Cannot reach the server',
    'error.offlineDetail': 'Check your connection and try again.',
    'error.generic': 'Something went wrong',
    'status.received': 'Received',
    'status.verified': 'Verified',
    'status.assigned': 'Assigned',
    'status.in_progress': 'In progress',
    'status.resolved': 'Resolved',
    'status.closed': 'Closed',
    'status.rejected': 'Rejected',
    'status.duplicate': 'Duplicate',
    'status.not_our_remit': 'Not the city’s remit',
    'status.reopened': 'Reopened',
  },
};

/** The statuses of the API, in lifecycle order; the first five plus `reopened` count as open. */
export const STATUSES = ['received', 'verified', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate', 'not_our_remit', 'reopened'];
export const OPEN_STATUSES = ['received', 'verified', 'assigned', 'in_progress', 'reopened'];

const STORAGE_KEY = 'ujar.lang';
const listeners = new Set();
let current = readStoredLang();

function readStoredLang() {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'id';
  } catch {
    return 'id'; // storage blocked (private mode): the default language still works
  }
}

export const lang = () => current;

/** The text for key in the current language, with {name} placeholders filled from params. */
export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ''));
}

/** Picks the current language from a server's bilingual pair (the English may be missing). */
export function pick(id, en) {
  return current === 'en' && en ? en : id;
}

export const statusLabel = (status) => t(`status.${status}`);
export const categoryName = (category) => (category ? pick(category.nameId, category.nameEn) : '');

/** Fills every data-i18n / data-i18n-aria element under root. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}

export function setLang(next) {
  current = next === 'en' ? 'en' : 'id';
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // not remembered, but switched for this page
  }
  document.documentElement.lang = current;
  translate();
  for (const listener of listeners) listener(current);
}

/** Calls listener after every language switch; returns the unsubscribe function. */
export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The #btn-lang toggle: switches ID ⇄ EN. */
export function bindLangToggle(button) {
  const toggle = () => setLang(current === 'id' ? 'en' : 'id');
  button.addEventListener('click', toggle);
  return () => button.removeEventListener('click', toggle);
}

// Times are stored in UTC and shown in WIB, the city's time zone, whatever the device's zone.
const dateFormats = {
  id: new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Jakarta' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Jakarta' }),
};

export const formatDateTime = (iso) => `${dateFormats[current].format(new Date(iso))} WIB`;

export function formatDistance(meters) {
  return meters < 1000 ? `${Math.round(meters)} m` : `${(meters / 1000).toFixed(1)} km`;
}

document.documentElement.lang = current;
