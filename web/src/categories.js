// Categories come from GET /api/categories (an admin edits them in the city folder's categories.csv); each names one of the
// icons below. An icon the front end does not know falls back to `other`, so a new category never breaks the map.

import { getJson } from './api.js';

const PATHS = {
  water: 'M12 3c-3 4.6-6 7.9-6 11a6 6 0 0 0 12 0c0-3.1-3-6.4-6-11z',
  tree: 'M12 2 6 10h3l-4 6h14l-4-6h3zM12 16v6',
  cable: 'M2 12c2.5-5 5-5 7.5 0s5 5 7.5 0 3-4 5-2M5 20v-3M19 7V4',
  pole: 'M12 2v20M5 6h14M7 10h10M5 6v3M19 6v3M9 22h6',
  lamp: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.4c.8.8 1 1.6 1 2.6h6c0-1 .2-1.8 1-2.6A6 6 0 0 0 12 3z',
  parking: 'M8 21V3h5.5a4.5 4.5 0 0 1 0 9H8',
  road: 'M8 2 4 22M16 2l4 20M12 3v3M12 10v4M12 18v3',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14M10 11v6M14 11v6',
  people: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 21v-1a5 5 0 0 1 5-5h4a5 5 0 0 1 5 5v1M16 4a3.5 3.5 0 0 1 0 7M22 21v-1a5 5 0 0 0-4-4.9',
  other: 'M9.2 9a3 3 0 0 1 5.8 1c0 2-3 2.5-3 4.5M12 18.5v.5',
};

/** Bundled SVG markup for a category icon (stroke in currentColor). */
export function iconSvg(icon) {
  const path = PATHS[icon] ?? PATHS.other;
  return `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="${path}"/></svg>`;
}

let loading = null;
let byCode = new Map();

/** The categories, fetched once per page; a failed fetch is tried again on the next call. */
export function loadCategories() {
  loading ??= getJson('/api/categories').then(
    (list) => {
      byCode = new Map(list.map((category) => [category.code, category]));
      return list;
    },
    (error) => {
      loading = null;
      throw error;
    });
  return loading;
}

export const categoryByCode = (code) => byCode.get(code);

export const categoryIcon = (code) => iconSvg(byCode.get(code)?.icon);
