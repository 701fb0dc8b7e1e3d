// The main action: the phone's position (never stored, sent only in the
// nearest request) → the API → the nearest refuges as cards, open ones
// first, the police first when none is open within a short walk. Every
// failure says so in words and hands over to the commune picker.

import { anyOpen, buildCard, buildPoliceFirst, openFirst } from "./cards.js";
import { revealMap } from "./map-section.js";

const LIMIT = 5;
const POSITION_OPTIONS = { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 };
const NO_POSITION = "Position non disponible : choisissez votre commune.";
const NO_SERVICE =
  "Le service ne répond pas pour le moment : choisissez votre commune ci-dessous. En cas de danger, appelez le 17.";

function settings(root) {
  const data = root.dataset;
  return {
    nearestUrl: data.nearestUrl,
    refugeUrl: data.refugeUrl,
    iconsUrl: data.iconsUrl,
    walkLimit: Number(data.walkLimit),
    categories: JSON.parse(data.categories),
  };
}

function locate() {
  return new Promise((resolve, reject) => {
    if (!("geolocation" in navigator)) {
      reject(new Error("unsupported"));
      return;
    }
    navigator.geolocation.getCurrentPosition(resolve, reject, POSITION_OPTIONS);
  });
}

async function nearest(page, lat, lon, extra = {}) {
  const query = new URLSearchParams({ lat: lat.toFixed(5), lon: lon.toFixed(5), limit: LIMIT, ...extra });
  const response = await fetch(`${page.nearestUrl}?${query}`, { cache: "no-store" });
  if (!response.ok) {
    throw new Error(`nearest: HTTP ${response.status}`);
  }
  return response.json();
}

// The five nearest, open first; when none is open within the walk limit,
// the nearest open refuge (wherever it is) is worth showing first too.
async function search(page, lat, lon) {
  const answer = await nearest(page, lat, lon);
  let refuges = openFirst(answer.refuges);
  if (!anyOpen(refuges, page.walkLimit)) {
    const open = await nearest(page, lat, lon, { open_now: 1, limit: 1 }).catch(() => null);
    const found = open?.refuges[0];
    if (found && !refuges.some((refuge) => refuge.id === found.id)) {
      refuges = [found, ...refuges];
    }
  }
  return { ...answer, refuges };
}

function summary(refuges, nearby, page) {
  if (refuges.length === 0) {
    return "Aucun refuge n'est enregistré pour le moment. En cas de danger, appelez le 17.";
  }
  const first = refuges[0];
  const count = refuges.length === 1 ? "1 refuge trouvé" : `${refuges.length} refuges trouvés`;
  if (!nearby) {
    return `${count}, aucun ouvert à moins de ${page.walkLimit} minutes à pied. En cas de danger, appelez le 17.`;
  }
  return `${count}. Le premier : ${first.name}, à ${first.walking_minutes} min à pied, ouvert.`;
}

function render(root, page, answer) {
  const results = root.querySelector("[data-results]");
  const body = results.querySelector("[data-results-body]");
  const refuges = answer.refuges;
  const nearby = anyOpen(refuges, page.walkLimit);
  results.querySelector("[data-results-title]").textContent = "Refuges les plus proches de vous";
  results.querySelector("[data-results-why]").textContent = answer.within_territory
    ? "Classés du plus proche au plus éloigné de vous, les refuges ouverts d'abord."
    : "Vous semblez être hors de Melun Val de Seine : voici les refuges du territoire les plus proches de vous.";
  const parts = [];
  if (!nearby) {
    const message = `Aucun refuge ouvert à moins de ${page.walkLimit} minutes à pied. En cas de danger, appelez le 17.`;
    parts.push(buildPoliceFirst(root.ownerDocument.querySelector("[data-police-template]"), message));
  }
  const list = root.ownerDocument.createElement("ol");
  list.className = "cards";
  const template = root.ownerDocument.querySelector("[data-card-template]");
  for (const refuge of refuges) {
    const item = root.ownerDocument.createElement("li");
    item.append(buildCard(template, refuge, page));
    list.append(item);
  }
  parts.push(list);
  body.replaceChildren(...parts);
  results.hidden = false;
  return { cards: [...list.querySelectorAll("[data-card]")], nearby };
}

export function startFinder(root) {
  const page = settings(root);
  const status = root.querySelector("[data-status]");
  const select = root.querySelector("[data-commune-select]");
  const link = root.querySelector("[data-find]");
  // Without this script the main action is a link to the commune picker.
  const button = root.ownerDocument.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.replaceChildren(...link.childNodes);
  link.replaceWith(button);

  const say = (message, isError = false) => {
    status.textContent = message;
    status.classList.toggle("is-error", isError);
  };
  const handOver = (message) => {
    say(message, true);
    select.focus();
    select.scrollIntoView({ block: "center" });
  };

  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-busy") === "true") {
      return;
    }
    button.setAttribute("aria-busy", "true");
    try {
      say("Recherche de votre position…");
      let position;
      try {
        position = await locate();
      } catch (error) {
        handOver(error?.code === 3 ? "Position non disponible (délai dépassé) : choisissez votre commune." : NO_POSITION);
        return;
      }
      say("Recherche des refuges les plus proches…");
      const { latitude, longitude } = position.coords;
      let answer;
      try {
        answer = await search(page, latitude, longitude);
      } catch {
        handOver(NO_SERVICE);
        return;
      }
      const shown = render(root, page, answer);
      say(summary(answer.refuges, shown.nearby, page));
      const title = root.querySelector("[data-results-title]");
      title.tabIndex = -1;
      title.focus({ preventScroll: true });
      status.scrollIntoView({ block: "start" });
      revealMap(root.querySelector("[data-map-section]"), shown.cards, { lat: latitude, lon: longitude });
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}
