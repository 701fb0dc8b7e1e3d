// The public pages' entry point. The pages work without it; with it: the
// quick exit blanks the page at once, the main button finds the nearest
// refuges on the phone, lists rendered by the server get their map, and the
// service worker keeps the page and the refuges' list for when the network
// fails.

import { armNoWayBack, armQuickExit } from "./exit.js";
import { startFinder } from "./finder.js";
import { revealMap } from "./map-section.js";

armQuickExit(document);
armNoWayBack(document, {
  home: document.querySelector(".brand").href,
  forget() {
    document.querySelector("[data-results-body]")?.replaceChildren();
    for (const region of document.querySelectorAll("[data-results], [data-map-section]")) {
      region.hidden = true;
    }
    const status = document.querySelector("[data-status]");
    if (status) {
      status.textContent = "";
    }
  },
});

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
