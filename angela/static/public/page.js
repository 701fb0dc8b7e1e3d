// The public pages' entry point. The pages work without it; with it: the
// quick exit blanks the page at once, the main button finds the nearest
// refuges on the phone, lists rendered by the server get their map, a
// refuge's page gets the phone's share sheet, and the service worker keeps
// the page and the refuges' list for when the network fails.

import { forgetAddress } from "./address.js";
import { armNoWayBack, armQuickExit } from "./exit.js";
import { startFinder } from "./finder.js";
import { _ } from "./i18n.js";
import { revealMap } from "./map-section.js";
import { armReports } from "./report.js";
import { armShare } from "./share.js";

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
    const address = document.querySelector("[data-address-form]");
    if (address) {
      forgetAddress(address);
    }
  },
});

// "Signaler un problème" on every card opens its form in place, and reports
// kept on the phone while it had no network leave now.
armReports(document);

const finder = document.querySelector("[data-finder]");
if (finder) {
  startFinder(finder);
}

// On a refuge's page: its share sheet, or the SMS link and "Copier le lien".
const share = document.querySelector("[data-share]");
if (share) {
  armShare(share);
}

// The "other numbers" menu closes on a tap elsewhere, or Escape.
const more = document.querySelector(".emergency-more");
if (more) {
  document.addEventListener("click", (event) => {
    if (more.open && !more.contains(event.target)) {
      more.open = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && more.open) {
      more.open = false;
      more.querySelector("summary").focus();
    }
  });
}

// Lists the server rendered get their map; around a typed address, the
// address is marked and the background waits until asked for.
const served = [...document.querySelectorAll("main [data-card][data-lat]")];
if (served.length > 0) {
  const results = document.querySelector("[data-results]")?.dataset ?? {};
  const origin = results.originLat
    // Translators: beside the mark of the address she typed, on the map.
    ? { lat: Number(results.originLat), lon: Number(results.originLon), label: _("Adresse tapée") }
    : null;
  revealMap(document.querySelector("[data-map-section]"), served, origin);
}

// What scrolls into view (a focused link, a result) stops short of the top
// bar and the emergency strip, at their real heights: large text and zoom
// make them taller than any guess.
const measureBars = () => {
  const bar = document.querySelector(".topbar");
  const strip = document.querySelector(".emergency");
  const sticky = bar !== null && getComputedStyle(bar).position === "sticky";
  document.documentElement.style.setProperty("--topbar-room", `${sticky ? bar.offsetHeight + 8 : 8}px`);
  document.documentElement.style.setProperty("--emergency-room", `${strip ? strip.offsetHeight + 8 : 8}px`);
};
const bars = new ResizeObserver(measureBars);
for (const bar of document.querySelectorAll(".topbar, .emergency")) {
  bars.observe(bar);
}
// Turning the phone may unstick the top bar without changing its size.
window.addEventListener("resize", measureBars);

const worker = document.body.dataset.serviceWorker;
if (worker && "serviceWorker" in navigator) {
  // After the page is drawn: the first screen comes first. In another
  // language than French, the page's words were read before this module
  // ran (./i18n.js), and the page may have loaded already.
  const register = () => {
    navigator.serviceWorker.register(worker).catch(() => {
      // Without it the page still works, online only.
    });
  };
  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register);
  }
}
