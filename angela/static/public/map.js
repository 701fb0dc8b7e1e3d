// Leaflet (from the npm registry, served from our own static files): the
// person's position and the refuges; tapping a marker shows the same card
// as the list. Imported only when a list is on screen, with its stylesheet.

import "../vendor/leaflet/leaflet.js";
import { _ } from "./i18n.js";

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
  // Leaflet speaks English: its controls are named here in the page's language.
  const map = L.map(container, { scrollWheelZoom: false, zoomControl: false });
  // Translators: the titles of the map's + and − buttons.
  L.control.zoom({ zoomInTitle: _("Agrandir la carte"), zoomOutTitle: _("Réduire la carte") }).addTo(map);
  map.on("popupopen", (event) => {
    // Translators: the button that closes a refuge's card shown over the map.
    event.popup.getElement()?.querySelector(".leaflet-popup-close-button")?.setAttribute("aria-label", _("Fermer"));
  });
  // Leaflet's credit without its English tooltip.
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  maps.set(container, map);
  let reported = false;
  const addTiles = () => {
    L.tileLayer(container.dataset.tileUrl, {
      attribution: container.dataset.tileAttribution,
      maxZoom: 19,
      // The page sends no Referer (Referrer-Policy: no-referrer), but
      // OpenStreetMap's tile servers refuse requests without one: the tiles
      // alone name the site, by its origin only, never the page's path or
      // query (such as the commune chosen).
      referrerPolicy: "strict-origin",
    })
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
      // On a small phone, narrow enough to show whole beside the zoom
      // buttons: the map less the room kept around it and the card's margins.
      .bindPopup(() => card.cloneNode(true), {
        maxWidth: Math.min(300, map.getSize().x - 112),
        // Clear of the zoom buttons, top left in every language.
        autoPanPaddingTopLeft: [60, 12],
        autoPanPaddingBottomRight: [12, 12],
      })
      .addTo(map);
    marker.label = `${index + 1}. ${card.dataset.name}`;
    markers.push(marker);
    points.push(position);
  });
  if (origin) {
    const here = [origin.lat, origin.lon];
    // Shown, named on the map, and no stop for the keyboard: nothing to do there.
    L.circleMarker(here, {
      radius: 9, weight: 3, color: "#ffffff", fillColor: "#1a5fb4", fillOpacity: 1, interactive: false,
    })
      // Translators: beside the mark of her own position, on the map.
      .bindTooltip(origin.label ?? _("Vous êtes ici"), { permanent: true, direction: "top", offset: [0, -8] })
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
    const free = (shift) => !placed.some((other) => other.distanceTo(at.add(shift)) < ROOM_PX);
    // The nearest free spot on rings around its own point: 1, 8, 16, 24 spots.
    let shift = L.point(0, 0);
    for (let ring = 1; ring <= 3 && !free(shift); ring += 1) {
      const spots = 8 * ring;
      for (let spot = 0; spot < spots; spot += 1) {
        const angle = (2 * Math.PI * spot) / spots - Math.PI / 2;
        const candidate = L.point(ring * ROOM_PX * Math.cos(angle), ring * ROOM_PX * Math.sin(angle)).round();
        if (free(candidate)) {
          shift = candidate;
          break;
        }
      }
    }
    placed.push(at.add(shift));
    const icon = marker.options.icon;
    icon.options.iconAnchor = [18 - shift.x, 18 - shift.y];
    icon.options.popupAnchor = [shift.x, shift.y - 18];
    marker.setIcon(icon);
    marker.getElement()?.setAttribute("aria-label", marker.label);
  }
}
