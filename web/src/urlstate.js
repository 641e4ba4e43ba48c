// The map's filters and view live in the query string (?category=&status=&days=&lat=&lon=&z=), so a link shows
// what its sender saw. replaceState keeps panning out of the back button's history.

export const readQuery = () => new URLSearchParams(location.search);

/** Sets (or, for '' / null, removes) the given query parameters, keeping all others. */
export function updateQuery(changes) {
  const params = readQuery();
  for (const [key, value] of Object.entries(changes)) {
    if (value === '' || value === null || value === undefined) params.delete(key);
    else params.set(key, String(value));
  }
  const search = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
}
