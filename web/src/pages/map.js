// Page `/`: the live map with its filter bar, the status key and list of what is in view, the report flow and the
// "Lacak tiket" sheet (a ticket by number, this browser's own complaints, the way to /kinerja).

import { getJson } from '../api.js';
import { loadCategories } from '../categories.js';
import { fromTemplate } from '../dom.js';
import { translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { ComplaintsLayer } from '../layers/complaints.js';
import { createMap, followViewInUrl, viewFromUrl } from '../map.js';
import { DuplicatesPanel } from '../panels/duplicates.js';
import { FiltersPanel } from '../panels/filters.js';
import { HomePanel } from '../panels/home.js';
import { MapSidePanel } from '../panels/map-side.js';
import { ReportPanel } from '../panels/report.js';

/** Builds the page in root; returns the function that takes it down again. */
export async function mountMapPage(root, live) {
  const [config, categories] = await Promise.all([getJson('/api/config'), loadCategories()]);
  root.replaceChildren(fromTemplate('page-map'));
  translate(root);

  // The filter bar first: the map measures its container once, when it is created.
  const filters = new FiltersPanel(root.querySelector('#filters'), categories);
  filters.add();
  const map = createMap(root.querySelector('#map'), config, viewFromUrl() ?? { center: config.center, zoom: config.zoom });
  const boundaries = new BoundariesLayer().addTo(map);
  const side = new MapSidePanel(root, map);
  side.add();
  const complaints = new ComplaintsLayer({ filters, live, onDraw: (items) => side.showItems(items) }).addTo(map);
  const duplicates = new DuplicatesPanel(root.querySelector('#duplicates'), {
    onSupported: (ticket, supportCount) => complaints.setSupportCount(ticket, supportCount),
  });
  // One sheet at a time: opening one closes the other.
  const home = new HomePanel(root, { ticketPrefix: config.city.ticketPrefix, onOpen: () => report.isOpen && root.querySelector('#btn-close-report').click() });
  const report = new ReportPanel(root, map, {
    categories, duplicates, onFiled: (point) => complaints.addFiled(point), onOpen: () => home.close({ focus: false }),
  });
  home.add();
  report.add();

  const stops = [
    filters.onChange(() => complaints.refresh()),
    followViewInUrl(map),
    live.followMap(map),
  ];
  return () => {
    for (const stop of stops) stop();
    report.remove();
    home.remove();
    map.removeLayer(complaints);
    side.remove();
    filters.remove();
    map.removeLayer(boundaries);
    map.remove();
    root.replaceChildren();
  };
}
