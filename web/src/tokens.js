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
