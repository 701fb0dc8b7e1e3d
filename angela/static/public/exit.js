// Leaving without a trace.
//
// Quick exit: the "Quitter" button, or Shift pressed three times within two
// seconds, blanks the page at once and replaces it in the history with a
// neutral site, so that "back" does not return here. Without this script the
// button is a plain link to the same site.
//
// No way back: moves inside the app (a refuge page, the commune form, a
// link within the page) replace the current history entry instead of adding
// one, so the quick exit leaves no entry of this site behind. Whatever the
// page found is wiped when it is left, and a page the browser's
// back-forward cache shows again starts blank and afresh: nothing of hers.

import { _ } from "./i18n.js";

const PRESSES = 3;
const WINDOW_MS = 2000;

export function armQuickExit(doc) {
  const link = doc.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  const leave = () => {
    doc.documentElement.classList.add("is-leaving");
    doc.body.hidden = true;
    doc.title = "";
    window.location.replace(link.href);
  };
  link.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    event.preventDefault();
    leave();
  });
  let presses = [];
  const count = doc.querySelector("[data-exit-count]");
  let forget = null;
  doc.addEventListener("keydown", (event) => {
    if (event.key !== "Shift" || event.repeat) {
      return;
    }
    presses = presses.filter((time) => event.timeStamp - time < WINDOW_MS);
    presses.push(event.timeStamp);
    if (presses.length >= PRESSES) {
      leave();
      return;
    }
    // Each press counted where the eyes go to leave: "Maj 1/3", "Maj 2/3".
    if (count) {
      // Translators: the presses of the Shift key counted so far, shown beside
      // "Quitter": "Maj 1/3". "Maj" is what French keyboards print on Shift.
      count.textContent = _("Maj %(count)s/%(total)s", { count: presses.length, total: PRESSES });
      clearTimeout(forget);
      forget = setTimeout(() => {
        count.textContent = "";
      }, WINDOW_MS);
    }
  });
  // Restored from the back-forward cache after leaving: leave again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && doc.documentElement.classList.contains("is-leaving")) {
      window.location.replace(link.href);
    }
  });
}

// A link or form of this site's public pages, followed in place.
function isOurs(url, doc) {
  return url.origin === doc.location.origin && !url.pathname.startsWith("/staff/");
}

function followInPlace(url, doc) {
  const here = new URL(doc.location.href);
  if (url.pathname === here.pathname && url.search === here.search && url.hash) {
    // Within the page: move there without a new history entry.
    window.history.replaceState(window.history.state, "", url.href);
    const target = doc.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (target) {
      if (!target.hasAttribute("tabindex") && !target.matches("a[href], button, input, select, textarea")) {
        target.tabIndex = -1;
      }
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    }
    return;
  }
  window.location.replace(url.href);
}

// `forget` wipes what the page found; `home` is where a page restored from
// the back-forward cache starts again, blank of anything she did.
export function armNoWayBack(doc, { forget, home }) {
  doc.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    const link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("data-quick-exit") || link.target || link.hasAttribute("download")) {
      return;
    }
    const url = new URL(link.href, doc.baseURI);
    if (!isOurs(url, doc)) {
      return;
    }
    event.preventDefault();
    followInPlace(url, doc);
  });
  doc.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || (form.method || "get").toLowerCase() !== "get") {
      return;
    }
    const url = new URL(form.action, doc.baseURI);
    if (!isOurs(url, doc)) {
      return;
    }
    event.preventDefault();
    url.search = new URLSearchParams(new FormData(form)).toString();
    followInPlace(url, doc);
  });
  // Left for another page or app (or the phone locked): nothing of hers
  // stays in a page the browser may keep and show again.
  window.addEventListener("pagehide", forget);
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !doc.documentElement.classList.contains("is-leaving")) {
      forget();
      doc.body.hidden = true;
      window.location.replace(home);
    }
  });
}
