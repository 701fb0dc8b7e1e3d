// The coverage page's map at the chosen hour: the populated 200 m cells
// where people are out of reach (darker where more are), and the refuges
// open then. The layers come from the staff-only carte.json; they are drawn
// over a plain background, so they still read when the tiles do not load.
// Without this script, the tables of the page say the same.

import "../vendor/leaflet/leaflet.js";
import { addTiles } from "./tiles.js";

const TERRITORY = [
  [48.47, 2.55],
  [48.62, 2.75],
];

const figure = document.querySelector("[data-coverage-map]");
if (figure) draw(figure);

function peopleColour(people) {
  if (people >= 100) return "#7f0000";
  if (people >= 30) return "#d7301f";
  return "#fc8d59";
}

async function draw(figure) {
  const { L } = globalThis;
  if (!L) return;
  const status = figure.querySelector("[data-map-status]");
  figure.hidden = false;
  const map = L.map(figure.querySelector("[data-map-canvas]"));
  map.fitBounds(TERRITORY);
  addTiles(map, figure.dataset, () => {
    status.textContent =
      "Le fond de carte ne se charge pas : les carreaux hors de portée et les refuges ouverts restent dessinés, et les tableaux ci-dessous disent la même chose.";
  });
  let layers;
  try {
    const response = await fetch(figure.dataset.url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    layers = await response.json();
  } catch {
    status.textContent = "La carte n'a pas pu être chargée : les tableaux ci-dessous donnent les mêmes informations.";
    return;
  }
  for (const cell of layers.cells) {
    L.polygon(cell.corners, {
      stroke: false,
      fillColor: peopleColour(cell.people),
      fillOpacity: 0.55,
    })
      .bindTooltip(`${cell.people} habitant${cell.people > 1 ? "s" : ""} hors de portée`)
      .addTo(map);
  }
  for (const refuge of layers.refuges) {
    L.circleMarker([refuge.lat, refuge.lon], {
      radius: 6,
      color: "#ffffff",
      weight: 2,
      fillColor: "#1d6b34",
      fillOpacity: 1,
    })
      .bindTooltip(refuge.name)
      .addTo(map);
  }
  focus(L, map, figure.dataset.focus);
}

function focus(L, map, text) {
  const point = (text || "").split(",").map(Number.parseFloat);
  if (point.length !== 2 || !point.every(Number.isFinite)) return;
  map.setView(point, 16);
  L.circleMarker(point, { radius: 12, color: "#5a2d82", weight: 3, fill: false }).addTo(map);
}
