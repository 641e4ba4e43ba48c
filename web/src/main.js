// Entry point: the shared header (live indicator, language toggle), then the page the URL names.
//   /                 → pages/map.js
//   /lacak/{ticket}   → pages/track.js
//   /perencana        → pages/planner.js
//   /masuk            → pages/signin.js (staff sign-in)
//   /petugas          → pages/crew.js (field crew, signed in)
//   /opd              → pages/queue.js (OPD staff queue, signed in)
//   /kinerja          → pages/performance.js

import 'leaflet/dist/leaflet.css';
import './styles.css';
import { describeProblem } from './api.js';
import { h } from './dom.js';
import { bindLangToggle, translate } from './i18n.js';
import { LiveConnection } from './live.js';
import { mountCrewPage } from './pages/crew.js';
import { mountMapPage } from './pages/map.js';
import { mountPerformancePage } from './pages/performance.js';
import { mountPlannerPage } from './pages/planner.js';
import { mountQueuePage } from './pages/queue.js';
import { mountSignInPage } from './pages/signin.js';
import { TrackPage } from './pages/track.js';

const root = document.getElementById('app');
translate();
bindLangToggle(document.getElementById('btn-lang'));
const live = new LiveConnection(document.getElementById('live-status'));

const tracked = location.pathname.match(/^\/lacak\/([^/]+)\/?$/);
const planner = /^\/perencana\/?$/.test(location.pathname);
const staffPages = { '/masuk': mountSignInPage, '/petugas': mountCrewPage, '/opd': mountQueuePage };
const staffPage = staffPages[location.pathname.replace(/\/$/, '')];
const kinerja = /^\/kinerja\/?$/.test(location.pathname);
let unmount = null;

async function mountPage() {
  if (planner) return mountPlannerPage(root, live);
  if (staffPage) return staffPage(root, live);
  if (kinerja) return mountPerformancePage(root);
  if (!tracked) return mountMapPage(root, live);
  const page = new TrackPage(root, decodeURIComponent(tracked[1]), live);
  await page.add();
  return () => page.remove();
}

async function show() {
  try {
    unmount = await mountPage();
  } catch (error) {
    // Without /api/config or the categories there is no page to show: say so in the reader's language.
    const { title, detail } = error.problem ? describeProblem(error.problem) : { title: String(error) };
    root.replaceChildren(h('div', { class: 'page-error', role: 'alert' }, h('strong', {}, title), detail ? h('p', {}, detail) : null));
    throw error;
  }
  live.start();
}

// Leaving the page closes the live connection (an open WebSocket keeps a page out of the back/forward cache); coming
// back to it from that cache builds the page again and the feed catches up from the last event it saw.
addEventListener('pagehide', () => {
  unmount?.();
  unmount = null;
  live.stop();
});
addEventListener('pageshow', (event) => {
  if (event.persisted) show();
});

show();

// Installable, with the app shell offline (public/sw.js). Only in a build: in `npm run dev` a worker would keep
// serving yesterday's modules. data-offline-ready tells the page (and the browser tests) the shell is kept.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  addEventListener('load', () => navigator.serviceWorker.register('/sw.js').then(async () => {
    await navigator.serviceWorker.ready;
    const ready = () => {
      if (navigator.serviceWorker.controller) document.documentElement.dataset.offlineReady = 'true';
    };
    navigator.serviceWorker.addEventListener('controllerchange', ready);
    ready();
  }).catch((error) => console.warn('Ujar: no offline shell', error)), { once: true });
}
