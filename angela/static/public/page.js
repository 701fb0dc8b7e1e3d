// The public pages' entry point. The pages work without it; with it: the
// quick exit blanks the page at once, the main button finds the nearest
// refuges on the phone, lists rendered by the server get their map, and the
// service worker keeps the page and the refuges' list for when the network
// fails.

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

const worker = document.body.dataset.serviceWorker;
if (worker && "serviceWorker" in navigator) {
  // After the page is drawn: the first screen comes first.
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(worker).catch(() => {
      // Without it the page still works, online only.
    });
  });
}
