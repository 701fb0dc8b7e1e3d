// The map below the list: loaded only when there are refuges to show, and
// never needed — if the map library or the tiles fail, the list above is
// complete and the page says so.

const NO_MAP = "Carte indisponible pour le moment : tout est écrit ci-dessus.";

export async function revealMap(section, cards, origin = null) {
  if (!section || cards.length === 0) {
    return;
  }
  const container = section.querySelector("[data-map]");
  let note = section.querySelector("[data-map-note]");
  if (!note) {
    note = section.ownerDocument.createElement("p");
    note.className = "map-note";
    container.before(note);
  }
  const noTiles = () => {
    note.textContent = "Fond de carte indisponible : les repères restent, et tout est écrit ci-dessus.";
  };
  section.hidden = false;
  try {
    const { showMap } = await import("./map.js");
    showMap(container, cards, origin, noTiles);
  } catch {
    container.hidden = true;
    note.textContent = NO_MAP;
  }
}
