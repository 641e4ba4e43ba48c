// Page `/`: the live map with its filter bar and the report flow.

import { getJson } from '../api.js';
import { loadCategories } from '../categories.js';
import { fromTemplate } from '../dom.js';
import { translate } from '../i18n.js';
import { BoundariesLayer } from '../layers/boundaries.js';
import { ComplaintsLayer } from '../layers/complaints.js';
import { createMap, followViewInUrl, viewFromUrl } from '../map.js';
import { DuplicatesPanel } from '../panels/duplicates.js';
import { FiltersPanel } from '../panels/filters.js';
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
  const complaints = new ComplaintsLayer({ filters, live }).addTo(map);
  const duplicates = new DuplicatesPanel(root.querySelector('#duplicates'), {
    onSupported: (ticket, supportCount) => complaints.setSupportCount(ticket, supportCount),
  });
  const report = new ReportPanel(root, map, { categories, duplicates, onFiled: (point) => complaints.addFiled(point) });
  report.add();

  const stops = [
    filters.onChange(() => complaints.refresh()),
    followViewInUrl(map),
    live.followMap(map),
  ];
  return () => {
    for (const stop of stops) stop();
    report.remove();
    map.removeLayer(complaints);
    filters.remove();
    map.removeLayer(boundaries);
    map.remove();
    root.replaceChildren();
  };
}
