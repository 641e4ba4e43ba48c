// What this browser keeps between visits: a random device id (one support per device and complaint) and the
// reporter token of each complaint filed here (the only proof that allows adding photos later).

const DEVICE_KEY = 'ujar.deviceToken';
const reporterKey = (ticket) => `ujar.reporterToken.${ticket}`;

/** A random id; crypto.randomUUID needs a secure context, getRandomValues works on plain http too. */
function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function deviceToken() {
  let token = localStorage.getItem(DEVICE_KEY);
  if (!token) {
    token = randomId();
    localStorage.setItem(DEVICE_KEY, token);
  }
  return token;
}

export const newIdempotencyKey = randomId;

export const reporterToken = (ticket) => localStorage.getItem(reporterKey(ticket));

export function saveReporterToken(ticket, token) {
  if (token) localStorage.setItem(reporterKey(ticket), token);
}

// "Laporan saya": the complaints filed from this browser, newest first, so the home panel can list them.
const MY_REPORTS_KEY = 'ujar.myReports';

export function myReports() {
  try {
    const list = JSON.parse(localStorage.getItem(MY_REPORTS_KEY) ?? '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** report: {ticket, category, createdAt}. */
export function rememberReport(report) {
  const list = [report, ...myReports().filter((known) => known.ticket !== report.ticket)];
  localStorage.setItem(MY_REPORTS_KEY, JSON.stringify(list));
}
