// The public pages' entry point. The pages work without it; with it: the
// quick exit blanks the page at once, the main button uses the position, and
// lists rendered by the server get their map.

import { armQuickExit } from "./exit.js";
import { startFinder } from "./finder.js";
import { revealMap } from "./map-section.js";

armQuickExit(document);

const finder = document.querySelector("[data-finder]");
if (finder) {
  startFinder(finder);
}

const served = [...document.querySelectorAll("main [data-card][data-lat]")];
if (served.length > 0) {
  revealMap(document.querySelector("[data-map-section]"), served);
}
