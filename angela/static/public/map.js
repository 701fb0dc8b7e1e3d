// Leaflet (from the npm registry, served from our own static files): the
// person's position and the refuges; tapping a marker shows the same card
// as the list. Imported only when a list is on screen, with its stylesheet.

import "../vendor/leaflet/leaflet.js";

const { L } = globalThis;
const maps = new WeakMap();
let styled = null;

// Leaflet's stylesheet, loaded with the map rather than blocking every page.
function loadStyles(href) {
  if (styled === null) {
    styled = new Promise((resolve, reject) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = reject;
      // Before our own styles, so that ours win over the library's.
      document.head.querySelector("link[rel=stylesheet]").before(link);
    });
  }
  return styled;
}

export async function showMap(container, cards, origin, { onTileError, tiles = true }) {
  await loadStyles(container.dataset.stylesheet);
  maps.get(container)?.remove();
  const map = L.map(container, { scrollWheelZoom: false });
  maps.set(container, map);
  let reported = false;
  const addTiles = () => {
    L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.tileAttribution, maxZoom: 19 })
      .on("tileerror", () => {
        if (!reported) {
          reported = true;
          onTileError();
        }
      })
      .addTo(map);
  };
  if (tiles) {
    addTiles();
  }

  const points = [];
  const markers = [];
  cards.forEach((card, index) => {
    const position = [Number(card.dataset.lat), Number(card.dataset.lon)];
    const open = card.classList.contains("is-open");
    const icon = L.divIcon({
      className: "",
      html: `<span class="map-marker${open ? " is-open" : ""}">${index + 1}</span>`,
      iconSize: [36, 36],
      iconAnchor: [18, 18],
      popupAnchor: [0, -18],
    });
    const marker = L.marker(position, { icon, title: card.dataset.name, keyboard: true })
      .bindPopup(() => card.cloneNode(true), { maxWidth: 300, autoPanPadding: [12, 12] })
      .addTo(map);
    marker.label = `${index + 1}. ${card.dataset.name}`;
    markers.push(marker);
    points.push(position);
  });
  if (origin) {
    const here = [origin.lat, origin.lon];
    L.circleMarker(here, { radius: 9, weight: 3, color: "#ffffff", fillColor: "#1a5fb4", fillOpacity: 1 })
      .bindTooltip("Vous êtes ici")
      .addTo(map);
    points.push(here);
  }
  if (points.length === 1) {
    map.setView(points[0], 17);
  } else {
    map.fitBounds(points, { padding: [32, 32], maxZoom: 17 });
  }
  spread(map, markers);
  map.on("zoomend", () => spread(map, markers));
  return { map, addTiles };
}

// Markers of refuges a few metres apart would cover each other: a finger
// could not pick one. Move the later ones aside on screen (never their
// position on the map) until each keeps its own 36 px disc plus a margin.
const ROOM_PX = 40;

function spread(map, markers) {
  const placed = [];
  for (const marker of markers) {
    const at = map.latLngToContainerPoint(marker.getLatLng());
    let shift = L.point(0, 0);
    for (let turn = 0; turn < 12; turn += 1) {
      const here = at.add(shift);
      const crowding = placed.find((other) => other.distanceTo(here) < ROOM_PX);
      if (!crowding) {
        break;
      }
      const away = here.subtract(crowding);
      const length = away.distanceTo(L.point(0, 0));
      // Straight away from the crowding marker; to the right when on it.
      const step = length === 0 ? L.point(ROOM_PX, 0) : away.multiplyBy((ROOM_PX - length) / length + 0.01);
      shift = shift.add(step);
    }
    placed.push(at.add(shift));
    const icon = marker.options.icon;
    const [dx, dy] = [Math.round(shift.x), Math.round(shift.y)];
    icon.options.iconAnchor = [18 - dx, 18 - dy];
    icon.options.popupAnchor = [dx, dy - 18];
    marker.setIcon(icon);
    marker.getElement()?.setAttribute("aria-label", marker.label);
  }
}
