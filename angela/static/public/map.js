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
    marker.getElement()?.setAttribute("aria-label", `${index + 1}. ${card.dataset.name}`);
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
  return { map, addTiles };
}
