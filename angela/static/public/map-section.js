// The map below the list: loaded only when there are refuges to show, and
// never needed — if the map library or the tiles fail, the list above is
// complete and the page says so. Around the person's own position, the
// background tiles wait until asked for: fetched from OpenStreetMap, they
// would tell it where she is.

import { _ } from "./i18n.js";

const NO_MAP = _("Carte indisponible pour le moment : tout est écrit ci-dessus.");
const NO_TILES = _("Fond de carte indisponible : les repères restent, et tout est écrit ci-dessus.");
// Around her position, or around the address she typed (`origin.label`).
const tilesOnRequest = (origin) =>
  origin.label
    ? _("Le fond de carte n'est pas chargé : il viendrait d'OpenStreetMap, qui verrait alors le quartier de cette adresse.")
    : _("Le fond de carte n'est pas chargé : il viendrait d'OpenStreetMap, qui verrait alors le quartier où vous êtes.");

export async function revealMap(section, cards, origin = null) {
  if (!section || cards.length === 0) {
    return;
  }
  const container = section.querySelector("[data-map]");
  const note = section.querySelector("[data-map-note]");
  const ask = section.querySelector("[data-map-tiles]");
  const overlay = section.querySelector("[data-map-overlay]");
  const noTiles = () => {
    overlay.textContent = NO_TILES;
    overlay.hidden = false;
  };
  section.hidden = false;
  try {
    const { showMap } = await import("./map.js");
    const map = await showMap(container, cards, origin, { onTileError: noTiles, tiles: origin === null });
    if (origin !== null && ask) {
      note.textContent = tilesOnRequest(origin);
      ask.hidden = false;
      ask.onclick = () => {
        ask.hidden = true;
        note.textContent = _("Touchez un repère pour voir le refuge.");
        map.addTiles();
      };
    } else if (ask) {
      ask.hidden = true;
    }
  } catch {
    container.hidden = true;
    overlay.hidden = true;
    note.textContent = NO_MAP;
  }
}
