// A kernel-density heatmap drawn on one canvas: each weighted point adds a soft disc (a radial gradient, the usual
// quartic-looking kernel of web heatmaps) to an alpha buffer, and the summed alpha is coloured through a palette.
// The kernel's radius is in metres, so the picture means the same at every zoom. The points are the hex bins'
// centroids weighted by their counts, so a city of a million complaints costs a few thousand discs.

import L from 'leaflet';

export const HEAT_COLOURS = ['#2563eb', '#06b6d4', '#84cc16', '#facc15', '#f97316', '#dc2626'];
const METRES_PER_DEGREE = 111320;

function palette() {
  const canvas = document.createElement('canvas');
  canvas.width = 256;
  canvas.height = 1;
  const g = canvas.getContext('2d');
  const gradient = g.createLinearGradient(0, 0, 256, 0);
  HEAT_COLOURS.forEach((colour, i) => gradient.addColorStop(i / (HEAT_COLOURS.length - 1), colour));
  g.fillStyle = gradient;
  g.fillRect(0, 0, 256, 1);
  return g.getImageData(0, 0, 256, 1).data;
}

export const HeatLayer = L.Layer.extend({
  /** points: [{lat, lon, weight}]; radiusMetres: the kernel's bandwidth. */
  initialize(points, { radiusMetres }) {
    this._points = points;
    this._radiusMetres = radiusMetres;
  },

  onAdd(map) {
    this._canvas = L.DomUtil.create('canvas', 'heat-canvas leaflet-zoom-hide');
    map.getPanes().overlayPane.append(this._canvas);
    map.on('moveend resize', this._draw, this);
    this._palette ??= palette();
    this._draw();
  },

  onRemove(map) {
    map.off('moveend resize', this._draw, this);
    this._canvas.remove();
  },

  _draw() {
    const map = this._map;
    const size = map.getSize();
    const canvas = this._canvas;
    canvas.width = size.x;
    canvas.height = size.y;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const g = canvas.getContext('2d');
    const max = Math.max(1, ...this._points.map((p) => p.weight));
    const centre = map.getCenter();
    const east = map.latLngToContainerPoint([centre.lat, centre.lng + this._radiusMetres / METRES_PER_DEGREE]);
    const radius = Math.max(4, east.x - map.latLngToContainerPoint(centre).x);
    for (const point of this._points) {
      const { x, y } = map.latLngToContainerPoint([point.lat, point.lon]);
      if (x < -radius || y < -radius || x > size.x + radius || y > size.y + radius) continue;
      const disc = g.createRadialGradient(x, y, 0, x, y, radius);
      disc.addColorStop(0, `rgba(0,0,0,${Math.min(1, 0.15 + 0.85 * point.weight / max)})`);
      disc.addColorStop(1, 'rgba(0,0,0,0)');
      g.fillStyle = disc;
      g.fillRect(x - radius, y - radius, 2 * radius, 2 * radius);
    }
    if (size.x === 0 || size.y === 0) return;
    const image = g.getImageData(0, 0, size.x, size.y);
    const pixels = image.data;
    for (let i = 3; i < pixels.length; i += 4) {
      const alpha = pixels[i];
      if (!alpha) continue;
      const at = alpha * 4;
      pixels[i - 3] = this._palette[at];
      pixels[i - 2] = this._palette[at + 1];
      pixels[i - 1] = this._palette[at + 2];
      pixels[i] = Math.min(220, 60 + alpha);
    }
    g.putImageData(image, 0, 0);
  },
});
