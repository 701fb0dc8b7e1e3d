// The merchant page's small map: where the place is, nothing to move. The
// pin is drawn over a plain background, so it still shows the point when the
// tiles do not load; without this script the coordinates on the page say it.

import "../vendor/leaflet/leaflet.js";
import { addTiles } from "./tiles.js";

const figure = document.querySelector("[data-merchant-map]");
if (figure) draw(figure);

function draw(figure) {
  const { L } = globalThis;
  const point = [Number.parseFloat(figure.dataset.lat), Number.parseFloat(figure.dataset.lon)];
  if (!L || !point.every(Number.isFinite)) return;
  const status = figure.querySelector("[data-map-status]");
  figure.hidden = false;
  const map = L.map(figure.querySelector("[data-map-canvas]"), {
    dragging: false,
    touchZoom: false,
    scrollWheelZoom: false,
    doubleClickZoom: false,
    boxZoom: false,
    keyboard: false,
    zoomControl: false,
  }).setView(point, 17);
  addTiles(map, figure.dataset, () => {
    status.textContent = "Le fond de carte ne se charge pas : le repère montre la position du lieu.";
  });
  const icon = L.divIcon({
    className: "staff-pin staff-pin-still",
    html: '<span class="staff-pin-dot"></span>',
    iconSize: [36, 44],
    iconAnchor: [18, 42],
  });
  L.marker(point, { icon, interactive: false, keyboard: false }).addTo(map);
}
