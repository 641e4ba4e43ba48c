// A POST that reports its upload progress, can be cancelled and gives up after a timeout: fetch() cannot tell how much
// of a body has gone, XMLHttpRequest can. Answers and failures take the same shapes as api.js (ApiError with a
// ProblemDetails or a local problem), so the report panel shows one kind of error whichever way it sent.

import { ApiError, localProblem } from './api.js';

// Enough for a slow line: 30 s to connect and answer, plus the body at 20 KB/s (about 160 kbit/s).
const BASE_TIMEOUT_MS = 30_000;
const BYTES_PER_MS = 20;

export const uploadTimeoutMs = (bytes) => BASE_TIMEOUT_MS + Math.ceil(bytes / BYTES_PER_MS);

/** body: FormData or a JSON string; onProgress(sent, total); signal aborts (rejects with an AbortError). */
export function postWithProgress(path, body, { headers = {}, onProgress, signal, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Accept', 'application/json');
    if (typeof body === 'string') request.setRequestHeader('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    if (timeoutMs) request.timeout = timeoutMs;
    if (onProgress) request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    const stop = () => request.abort();
    signal?.addEventListener('abort', stop);
    const settle = (fn, value) => {
      signal?.removeEventListener('abort', stop);
      fn(value);
    };
    request.onabort = () => settle(reject, new DOMException('cancelled', 'AbortError'));
    request.ontimeout = () => settle(reject, new ApiError(0, localProblem('upload.timeout', 'upload.timeoutDetail')));
    request.onerror = () => settle(reject, new ApiError(0, localProblem('error.offline', 'error.offlineDetail')));
    request.onload = () => {
      let data = null;
      if (/json/.test(request.getResponseHeader('content-type') ?? '')) {
        try {
          data = JSON.parse(request.responseText);
        } catch {
          data = null;
        }
      }
      if (request.status >= 200 && request.status < 300) settle(resolve, data);
      else settle(reject, new ApiError(request.status, data?.title ? data : { ...localProblem('error.generic'), detail: `HTTP ${request.status}` }));
    };
    request.send(body);
  });
}
