// The address search. What she types goes to the server in a POST body
// (never in a URL, which logs and history keep), and the server asks the
// Base Adresse Nationale; the nearest refuges to the address found are then
// found on the phone, as for a position. The best match is shown at once,
// the others offered as buttons. Without this script the same form posts to
// the server, which answers with the list.

import { _, lang } from "./i18n.js";

const SEARCHING = _("Recherche de l'adresse…");
const OFFLINE = _("Pas de connexion : la recherche d'adresse a besoin du réseau. Choisissez votre commune ci-dessus, elle marche hors connexion.");
const FAILED = _("La recherche d'adresse ne répond pas pour le moment : choisissez votre commune, ou réessayez dans un instant.");
// The server answers within its geocoder's 5 s; past this, something is stuck.
const TIMEOUT_MS = 9000;

// Translators: %(text)s is the address as she typed it.
const notFound = (text) => _("Aucune adresse trouvée dans les 20 communes pour « %(text)s » : vérifiez-la (numéro, rue, commune), ou choisissez votre commune.", { text });

async function ask(url, text) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      // The API's words (an address it cannot read) in the page's language.
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify({ q: text }),
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { message: navigator.onLine ? FAILED : OFFLINE };
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || !Array.isArray(body?.addresses)) {
    return { message: body?.error?.message ?? FAILED };
  }
  return { addresses: body.addresses };
}

function offerOthers(form, others, pick) {
  const choices = form.querySelector("[data-address-choices]");
  const buttons = others.map((place) => {
    const item = form.ownerDocument.createElement("li");
    const button = form.ownerDocument.createElement("button");
    button.type = "button";
    button.className = "button address-choice";
    button.textContent = place.label;
    button.addEventListener("click", () => pick(place));
    item.append(button);
    return item;
  });
  choices.querySelector("[data-address-list]").replaceChildren(...buttons);
  choices.hidden = buttons.length === 0;
}

// `show(place)` lists the refuges nearest to a place; `ready()` resolves to
// whether the phone holds the refuges' list (if not, the server answers).
export function startAddressSearch(form, { show, ready }) {
  const input = form.querySelector("[data-address-input]");
  const status = form.querySelector("[data-address-status]");
  // Said below the field, where she is: brought into view (above the
  // emergency strip, by the page's scroll padding) and spoken.
  const say = (message, isError = false) => {
    status.textContent = message;
    status.classList.toggle("is-error", isError);
    status.scrollIntoView({ block: "nearest" });
  };
  const pick = (place) => {
    // Translators: %(address)s is an address, as the national address base writes it.
    say(_("Adresse choisie : %(address)s.", { address: place.label }));
    show(place);
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // A button of the server's list of other matches, or what was typed.
    const picked = event.submitter?.name === "choix" ? event.submitter.value : null;
    const text = (picked ?? input.value).trim().replace(/\s+/g, " ");
    if (!navigator.onLine) {
      say(OFFLINE, true);
      return;
    }
    say(SEARCHING);
    if (!(await ready())) {
      // The refuges' list has not reached this phone yet: the server answers.
      input.value = text;
      form.submit();
      return;
    }
    const answer = await ask(form.dataset.addressUrl, text);
    if (answer.message) {
      say(answer.message, true);
      return;
    }
    if (answer.addresses.length === 0) {
      offerOthers(form, [], pick);
      say(notFound(text), true);
      return;
    }
    const [best, ...others] = answer.addresses;
    offerOthers(form, others, pick);
    // The server's page words it the same, no-break space included: one message.
    say(_("Adresse trouvée\u00a0: %(address)s.", { address: best.label }));
    show(best);
  });
}

// Wipe what was typed and found (the page is being left).
export function forgetAddress(form) {
  const input = form.querySelector("[data-address-input]");
  input.defaultValue = "";
  input.value = "";
  form.querySelector("[data-address-status]").textContent = "";
  form.querySelector("[data-address-list]").replaceChildren();
  form.querySelector("[data-address-choices]").hidden = true;
}
