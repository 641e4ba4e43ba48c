// Fetch wrappers for the Ujar API. Every refusal arrives as RFC 7807 ProblemDetails with Indonesian title/detail,
// English titleEn/detailEn and per-field errors {field: {id, en}}; describeProblem() turns one into the current
// language. A network failure becomes a problem of the same shape, so callers show one kind of error.

import { pick, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.titleEn || problem.title || problem.key);
    this.status = status;
    this.problem = problem;
  }
}

/** A problem made here rather than by the server: texts are i18n keys, translated when shown. */
export const localProblem = (key, detailKey) => ({ localized: true, key, detailKey });

// Staff pages sign in with the session cookie, which the server renews as it is used (no token to refresh here). Once
// signed in, a 401 means the session has ended: signed out on another tab, the account changed by an admin, or a
// working day without use. The page then goes to sign in again instead of showing errors it cannot recover from.
let sessionEnded = null;

/** Staff pages, once signed in: `handler` runs on any later 401. */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

async function request(path, { method = 'GET', body, headers = {}, signal } = {}) {
  let response;
  try {
    response = await fetch(path, { method, body, headers: { Accept: 'application/json', ...headers }, signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, localProblem('error.offline', 'error.offlineDetail'));
  }
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  const data = isJson ? await response.json().catch(() => null) : null;
  if (response.status === 401 && sessionEnded) sessionEnded();
  if (!response.ok) {
    throw new ApiError(response.status, data?.title ? data : { ...localProblem('error.generic'), detail: `HTTP ${response.status}` });
  }
  return data;
}

export const getJson = (path, options) => request(path, options);

/** A POST without a body (the request is all in its path and headers). */
export const post = (path, { headers, signal } = {}) => request(path, { method: 'POST', headers, signal });

export const postJson = (path, value, { headers, signal } = {}) =>
  request(path, { method: 'POST', body: JSON.stringify(value), headers: { 'Content-Type': 'application/json', ...headers }, signal });

/** multipart/form-data; the browser sets the Content-Type with its boundary. */
export const postForm = (path, formData, { headers, signal } = {}) =>
  request(path, { method: 'POST', body: formData, headers, signal });

/** Builds "?a=1&b=2" from params, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** {title, detail, fields: [[field, message]]} of a problem, in the current language. */
export function describeProblem(problem) {
  if (problem.localized) {
    return { title: t(problem.key), detail: problem.detailKey ? t(problem.detailKey) : problem.detail, fields: [] };
  }
  const fields = Object.entries(problem.errors ?? {}).map(([field, message]) =>
    [field, typeof message === 'string' ? message : pick(message.id, message.en)]);
  return { title: pick(problem.title, problem.titleEn), detail: pick(problem.detail, problem.detailEn), fields };
}

/** Renders a problem into an element (title, detail, one line per field) and shows it. */
export function showProblem(element, problem) {
  const { title, detail, fields } = describeProblem(problem);
  const heading = document.createElement('strong');
  heading.textContent = title;
  element.replaceChildren(heading);
  if (detail) {
    const text = document.createElement('p');
    text.textContent = detail;
    element.append(text);
  }
  if (fields.length) {
    const list = document.createElement('ul');
    for (const [field, message] of fields) {
      const item = document.createElement('li');
      item.dataset.field = field;
      item.textContent = message;
      list.append(item);
    }
    element.append(list);
  }
  element.hidden = false;
}
