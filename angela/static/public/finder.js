// The main action: the phone's position → the nearest refuges, found on the
// phone itself from the refuges' snapshot (nearest.js), with no request at
// all: the position never leaves the phone. Open ones first, the police
// first when none is open within a short walk. Every failure says so in
// words and hands over to the commune picker.

import { startAddressSearch } from "./address.js";
import { anyOpen, buildCard, buildPoliceFirst } from "./cards.js";
import { _, ngettext } from "./i18n.js";
import { revealMap } from "./map-section.js";
import { communeListing, findRefuges } from "./nearest.js";
import { watchSnapshot } from "./snapshot.js";
import { accuracyText, distanceText, listDateText } from "./words.js";

// About 6 s: past that, the commune picker is the quicker way.
const POSITION_OPTIONS = { enableHighAccuracy: false, timeout: 6000, maximumAge: 60000 };
// After the position, how long to wait for the server's word on the list
// (only while a check is still under way, just after the page loaded).
const WAIT_FOR_SERVER_MS = 1500;
const NO_POSITION = _("Position non disponible : choisissez votre commune.");
// Said when the position was refused, and how to allow it next time.
// Translators: « Autorisations », « Confidentialité » and « Position » name the browser's settings: use the words browsers show in your language (Permissions, Privacy, Location in English).
const POSITION_REFUSED = _("Position refusée : choisissez votre commune. Pour l'autoriser une autre fois : dans les réglages du navigateur, « Autorisations » ou « Confidentialité », puis « Position » pour ce site.");
const POSITION_SLOW = _("Position non disponible (délai dépassé) : choisissez votre commune, ou réessayez près d'une fenêtre ou dehors.");
// Translators: %(police)s is 17 (the police), %(emergency)s is 112 (the European emergency number).
const CALL_FOR_HELP = _("En cas de danger, appelez le %(police)s ou le %(emergency)s.", { police: "17", emergency: "112" });
// The server's words too (angela.public.listings).
const CALL_POLICE = _("En cas de danger, appelez le 17.");
const NO_LIST = [_("Pas de connexion, et la liste des refuges n'est pas encore sur ce téléphone."), CALL_FOR_HELP].join(" ");

function settings(root) {
  const data = root.dataset;
  return {
    snapshotUrl: data.snapshotUrl,
    refugeUrl: data.refugeUrl,
    iconsUrl: data.iconsUrl,
    reportUrl: data.reportUrl,
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

// Where the list comes from, when it is not fresh from the server, and
// when the server last confirmed it, if it ever did.
function sourceLine(state, hoursKnown) {
  const date = state.checkedAt ? listDateText(state.checkedAt) : null;
  const lines = [];
  if (state.offline) {
    // Translators: %(date)s: when the list kept on the phone was last checked, "29/11 à 14:02".
    lines.push(date ? _("Hors connexion — liste du %(date)s.", { date }) : _("Hors connexion — liste enregistrée sur ce téléphone."));
  } else if (state.failed) {
    // Translators: %(date)s: when the list kept on the phone was last checked, "29/11 à 14:02".
    lines.push(date ? _("Service indisponible — liste du %(date)s.", { date }) : _("Service indisponible — liste enregistrée sur ce téléphone."));
  } else if (state.pending) {
    // The server has not answered yet: the phone's copy, said as such.
    // Translators: %(date)s: when the list kept on the phone was last checked, "29/11 à 14:02".
    lines.push(date ? _("Connexion lente — liste du %(date)s.", { date }) : _("Connexion lente — liste enregistrée sur ce téléphone."));
  }
  if (!hoursKnown) {
    lines.push(_("Cette liste est trop ancienne pour dire ce qui est ouvert : horaires à vérifier."));
  }
  return lines.join(" ");
}

// The first of the refuges found, open within a short walk: from her, or
// with `fromAddress`, from the address she typed.
function firstOpen(first, fromAddress) {
  const values = { name: first.name, minutes: first.walking_minutes };
  if (first.walking_minutes < 1) {
    return fromAddress
      ? _("Le premier : %(name)s, à moins d'une minute à pied de cette adresse, ouvert.", values)
      : _("Le premier : %(name)s, à moins d'une minute à pied, ouvert.", values);
  }
  return fromAddress
    ? _("Le premier : %(name)s, à %(minutes)s min à pied de cette adresse, ouvert.", values)
    : _("Le premier : %(name)s, à %(minutes)s min à pied, ouvert.", values);
}

// The status line's summary of what was found.
function summary(answer, nearby, fromAddress = false) {
  const refuges = answer.refuges;
  if (refuges.length === 0) {
    return [_("Aucun refuge n'est enregistré pour le moment."), CALL_POLICE].join(" ");
  }
  const first = refuges[0];
  const count = refuges.length;
  if (!answer.hours_known) {
    return [ngettext("%(count)s refuge trouvé, horaires à vérifier.", "%(count)s refuges trouvés, horaires à vérifier.", count), CALL_POLICE].join(" ");
  }
  if (!nearby) {
    const found = first.open_now === true
      // Translators: %(distance)s is a distance such as "1,2 km", measured in a straight line.
      ? ngettext("%(count)s refuge trouvé, le plus proche ouvert est à %(distance)s à vol d'oiseau.", "%(count)s refuges trouvés, le plus proche ouvert est à %(distance)s à vol d'oiseau.", count, { distance: distanceText(first.distance_m) })
      : ngettext("%(count)s refuge trouvé, aucun n'est ouvert.", "%(count)s refuges trouvés, aucun n'est ouvert.", count);
    return [found, CALL_POLICE].join(" ");
  }
  return [ngettext("%(count)s refuge trouvé.", "%(count)s refuges trouvés.", count), firstOpen(first, fromAddress)].join(" ");
}

// Fill the results section: `shown` gives its title, why these refuges,
// where the list comes from, and the message that puts the police first
// (null when a refuge is open near enough).
function render(root, page, refuges, shown) {
  const doc = root.ownerDocument;
  const results = root.querySelector("[data-results]");
  results.querySelector("[data-results-title]").textContent = shown.title;
  results.querySelector("[data-results-why]").textContent = shown.why;
  const source = results.querySelector("[data-results-source]");
  source.textContent = shown.source;
  source.hidden = !shown.source;
  const parts = [];
  if (shown.policeFirst) {
    parts.push(buildPoliceFirst(doc.querySelector("[data-police-template]"), shown.policeFirst));
  }
  const list = doc.createElement("ol");
  list.className = "cards";
  const template = doc.querySelector("[data-card-template]");
  for (const refuge of refuges) {
    const item = doc.createElement("li");
    item.append(buildCard(template, refuge, page));
    list.append(item);
  }
  parts.push(list);
  results.querySelector("[data-results-body]").replaceChildren(...parts);
  results.hidden = false;
  return [...list.querySelectorAll("[data-card]")];
}

// The nearest refuges to her position (`accuracy` says how sure it is), or
// with `address`, to the address she typed. Where the server's page says the
// same (index.html), the words are its own, no-break spaces included: one
// message for both.
function showNearest(root, page, answer, state, { accuracy = "", address = null }) {
  const walkLimit = state.index.walkLimit;
  const nearby = anyOpen(answer.refuges, walkLimit);
  let why = answer.within_territory
    ? _("Classés du plus proche au plus éloigné de vous, les refuges ouverts d'abord.")
    : _("Vous semblez être hors de Melun Val de Seine : voici les refuges du territoire les plus proches de vous.");
  if (address) {
    why = _("Affichés pour l'adresse que vous avez tapée\u00a0: classés du plus proche au plus éloigné de cette adresse, les refuges ouverts d'abord.");
  }
  if (!nearby && answer.hours_known && answer.refuges[0]?.open_now === true) {
    why = address
      ? _("Aucun refuge ouvert tout près de cette adresse : en premier, le refuge ouvert le plus proche ; puis les plus proches de l'adresse.")
      : _("Aucun refuge ouvert tout près : en premier, le refuge ouvert le plus proche ; puis les plus proches de vous.");
  }
  let policeFirst = null;
  if (!answer.hours_known) {
    policeFirst = _("Impossible de savoir ce qui est ouvert avec cette liste.");
  } else if (!nearby) {
    policeFirst = address
      ? _("Aucun refuge ouvert à moins de %(minutes)s minutes à pied de cette adresse.", { minutes: walkLimit })
      : _("Aucun refuge ouvert à moins de %(minutes)s minutes à pied.", { minutes: walkLimit });
  }
  const cards = render(root, page, answer.refuges, {
    // Translators: %(address)s is an address, as the national address base writes it.
    title: address ? _("Refuges près de %(address)s", { address }) : _("Refuges les plus proches de vous"),
    why: [why, accuracy].filter(Boolean).join(" "),
    source: sourceLine(state, answer.hours_known),
    policeFirst,
  });
  return { cards, nearby };
}

// The commune picker without a network: the same list the server would
// give, from the phone's copy.
function showCommune(root, page, listing, state) {
  const name = listing.commune.name;
  return render(root, page, listing.refuges, {
    // Translators: %(name)s is the name of a commune (a town).
    title: _("Refuges à %(name)s", { name }),
    why: listing.in_commune
      // Translators: %(commune)s is the name of a commune (a town).
      ? _("Affichés parce que vous avez choisi %(commune)s\u00a0: classés du plus proche au plus éloigné du centre de la commune, les refuges ouverts d'abord.", { commune: name })
      // Translators: %(commune)s is the name of a commune (a town).
      : _("Aucun refuge à %(commune)s pour l'instant\u00a0: voici les plus proches de la commune, les refuges ouverts d'abord.", { commune: name }),
    source: sourceLine(state, listing.hours_known),
    policeFirst: listing.police_message,
  });
}

// The summary is spoken from the status line: moving the focus now would
// cut it short, so the focus stays on what was pressed, and the next Tab
// leads into the results.
function bringIntoView(status) {
  status.scrollIntoView({ block: "start" });
}

export function startFinder(root) {
  const page = settings(root);
  const snapshot = watchSnapshot(page.snapshotUrl);
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

  // Online, the commune form asks the server (a page that can be shared);
  // without a network, the phone's copy answers.
  select.form.addEventListener("submit", (event) => {
    const { state } = snapshot;
    const offline = state.offline || state.failed || !navigator.onLine;
    const listing = offline && state.index ? communeListing(state.index, select.value, Date.now()) : null;
    if (listing === null) {
      return;
    }
    event.preventDefault();
    const cards = showCommune(root, page, listing, state);
    // Translators: %(commune)s is the name of a commune (a town).
    say(ngettext("%(count)s refuge à %(commune)s, d'après la liste gardée sur ce téléphone.", "%(count)s refuges à %(commune)s, d'après la liste gardée sur ce téléphone.", cards.length, { commune: listing.commune.name }));
    bringIntoView(status);
    revealMap(root.querySelector("[data-map-section]"), cards);
  });

  startAddressSearch(root.querySelector("[data-address-form]"), {
    async ready() {
      if (snapshot.state.pending) {
        await snapshot.settled(WAIT_FOR_SERVER_MS);
      }
      return snapshot.state.index !== null;
    },
    show(place) {
      const { state } = snapshot;
      const answer = findRefuges(state.index, place.lat, place.lon, Date.now());
      const shown = showNearest(root, page, answer, state, { address: place.label });
      say(summary(answer, shown.nearby, true));
      bringIntoView(status);
      // Translators: beside the mark of the address she typed, on the map.
      const origin = { lat: place.lat, lon: place.lon, label: _("Adresse tapée") };
      revealMap(root.querySelector("[data-map-section]"), shown.cards, origin);
    },
  });

  button.addEventListener("click", async () => {
    if (button.getAttribute("aria-busy") === "true") {
      return;
    }
    button.setAttribute("aria-busy", "true");
    try {
      say(_("Recherche de votre position…"));
      let position;
      try {
        position = await locate();
      } catch (error) {
        const codes = { 1: POSITION_REFUSED, 3: POSITION_SLOW };
        handOver(codes[error?.code] ?? NO_POSITION);
        return;
      }
      if (snapshot.state.pending) {
        await snapshot.settled(WAIT_FOR_SERVER_MS);
      }
      const { state } = snapshot;
      if (state.index === null) {
        handOver(NO_LIST);
        return;
      }
      const { latitude, longitude, accuracy } = position.coords;
      const answer = findRefuges(state.index, latitude, longitude, Date.now());
      const shown = showNearest(root, page, answer, state, { accuracy: accuracyText(accuracy) });
      say(summary(answer, shown.nearby));
      bringIntoView(status);
      revealMap(root.querySelector("[data-map-section]"), shown.cards, { lat: latitude, lon: longitude });
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}
