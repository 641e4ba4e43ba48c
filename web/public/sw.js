// Ujar's service worker: the app shell offline. Hand-written (no workbox) and served from our own origin, so the
// Content-Security-Policy's script-src 'self' and connect-src 'self' cover it. What it keeps:
// - the pages (index.html: every page of the app is the same file): network first, the kept copy when offline;
// - /assets/* (Vite's hashed, immutable files): the kept copy first;
// - the few answers a page needs to draw itself (map settings, categories, boundaries): network first.
// It is registered after the page's load event, so installing it never competes with the first paint.
// Everything else (complaints, live hub, POSTs, photos) is left to the network: a complaint sent offline waits in the
// page's outbox (src/outbox.js), not here.

const CACHE = 'ujar-shell-v1';
// Kept at install: what the map page cannot be built without. The boundaries are kept as pages load them.
const SHELL_DATA = ['/api/config', '/api/categories'];
const PAGE_DATA = [...SHELL_DATA, '/api/boundaries?level=kelurahan', '/api/boundaries?level=kecamatan'];
const APP_PAGE = /^\/(?:$|lacak\/[^/]+\/?$|perencana\/?$|masuk\/?$|petugas\/?$|opd\/?$|kinerja\/?$)/;
const ASSET_IN_PAGE = /(?:src|href)="(\/assets\/[^"]+)"/g;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('/', { cache: 'no-cache' });
    if (!page.ok) throw new Error(`index.html: HTTP ${page.status}`);
    const html = await page.clone().text();
    await cache.put('/', page);
    const assets = [...html.matchAll(ASSET_IN_PAGE)].map((match) => match[1]);
    await cache.addAll([...new Set(assets), '/manifest.webmanifest', '/favicon.svg', '/icon-192.png']);
    await Promise.allSettled(SHELL_DATA.map((url) => cache.add(url)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (APP_PAGE.test(url.pathname)) event.respondWith(networkFirst(request, '/'));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (PAGE_DATA.includes(url.pathname + url.search)) {
    event.respondWith(networkFirst(request, url.pathname + url.search));
  }
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(key, response.clone());
      if (key === '/') pruneAssets(cache, await response.clone().text());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// A new build names new assets: the old ones are dropped once a fresh index.html no longer names them.
async function pruneAssets(cache, html) {
  const named = new Set([...html.matchAll(ASSET_IN_PAGE)].map((match) => match[1]));
  if (!named.size) return;
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && path.match(/\.(?:js|css)$/) && !named.has(path)) await cache.delete(request);
  }
}
