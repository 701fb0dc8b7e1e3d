// "Signaler un problème" inline: a tap on a card's link opens the page's
// report form under that card (in the map's popup: under the same card in
// the list, as a popup is too small for a form). Sent with a fresh token;
// made without a network, the report waits on the phone (report-queue.js)
// and leaves when the network comes back. No position is ever sent: the
// request holds only what the person chose and typed.

import { _, ngettext } from "./i18n.js";
import { deliver, isoWithOffset, keep, sendKept } from "./report-queue.js";

// Translators: the CIDFF is the women's rights information centre that trains the refuges; keep its name.
const SENT = _("Merci. Votre signalement est transmis à l'équipe du CIDFF.");
const KEPT = _("Pas de réseau : votre signalement partira dès que le téléphone retrouvera le réseau.");
const SERVER_DOWN = _("Le service ne répond pas : votre signalement est gardé sur ce téléphone et partira dès qu'il répondra.");
const NO_REASON = _("Choisissez ce qui ne va pas.");
const BAD_EMAIL = _("Cette adresse e-mail n'est pas complète : vérifiez-la, ou laissez le champ vide.");
const LATER = _("Trop de signalements envoyés d'ici pour le moment : réessayez plus tard.");
const REFUSED = _("Le signalement n'a pas pu être envoyé : réessayez plus tard.");
// How long the text field stays quiet before its counter is read aloud.
const COUNT_PAUSE_MS = 1000;
// A report kept because the server failed is tried again after this wait.
const RETRY_MS = 60_000;

let copies = 0;
// The open form and the link that opened it (focus goes back there).
let open = null;
// Kept reports shown on this page, by id: their form, to say when sent.
const waiting = new Map();

export function armReports(doc) {
  const template = doc.querySelector("[data-report-template]");
  if (template === null) {
    return;
  }
  // Captured, so that it comes before the page's handler for its own links
  // (exit.js), which would follow this one to the server's form.
  doc.addEventListener("click", (event) => onReportLink(event, template), true);
  const flush = () => sendKept(told).catch(() => {});
  window.addEventListener("online", flush);
  flush();
}

function onReportLink(event, template) {
  const link = event.target.closest?.('[data-field="report"]');
  if (!link || event.defaultPrevented || event.button !== 0) {
    return;
  }
  if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
    return; // a new tab or window: the server's own form
  }
  const card = listCard(link.ownerDocument, link);
  if (card === null) {
    return;
  }
  event.preventDefault();
  openForm(template, card);
}

// The card in the page for a link, leaving the map's popup for the list's card.
function listCard(doc, link) {
  const card = link.closest("[data-card]");
  if (card === null || !link.closest(".leaflet-popup")) {
    return card;
  }
  const twin = [...doc.querySelectorAll(`main [data-card][data-id="${card.dataset.id}"]`)].find(
    (candidate) => !candidate.closest(".leaflet-popup"),
  );
  link.closest(".leaflet-popup")?.querySelector(".leaflet-popup-close-button")?.click();
  return twin ?? null;
}

function openForm(template, card) {
  const link = card.querySelector('[data-field="report"]');
  if (open?.link === link && open.form.isConnected) {
    open.form.querySelector("[data-report-title]").focus();
    return;
  }
  close();
  const form = template.content.firstElementChild.cloneNode(true);
  uniqueIds(form, (copies += 1));
  titleBelow(form, card);
  (link.closest("p") ?? link).after(form);
  link.setAttribute("aria-expanded", "true");
  open = { form, link };
  arm(form, link.href);
  form.scrollIntoView({ block: "start" });
  form.querySelector("[data-report-title]").focus();
}

function close({ refocus = false } = {}) {
  if (open === null) {
    return;
  }
  const { form, link } = open;
  open = null;
  form.remove();
  link.removeAttribute("aria-expanded");
  if (refocus) {
    link.focus();
  }
}

// Each copy gets ids of its own, and the labels and descriptions follow.
function uniqueIds(form, number) {
  const renamed = (id) => `${id}-${number}`;
  for (const element of form.querySelectorAll("[id]")) {
    element.id = renamed(element.id);
  }
  for (const name of ["for", "aria-describedby", "aria-labelledby"]) {
    for (const element of [form, ...form.querySelectorAll(`[${name}]`)]) {
      const value = element.getAttribute(name);
      if (value) {
        element.setAttribute(name, value.split(" ").map(renamed).join(" "));
      }
    }
  }
}

// The form's heading one level below the card's name (h1 on a refuge's page).
function titleBelow(form, card) {
  const level = Number(card.querySelector(".card-name")?.tagName.slice(1)) || 2;
  const title = form.querySelector("[data-report-title]");
  const heading = form.ownerDocument.createElement(`h${Math.min(level + 1, 6)}`);
  for (const { name, value } of title.attributes) {
    heading.setAttribute(name, value);
  }
  heading.append(...title.childNodes);
  title.replaceWith(heading);
}

function arm(form, url) {
  const text = form.querySelector("[data-report-text]");
  const count = form.querySelector("[data-report-count]");
  const spoken = form.querySelector("[data-report-count-live]");
  let pause;
  text.addEventListener("input", () => {
    const left = Number(count.dataset.max) - text.value.length;
    count.textContent =
      left >= 0
        // Translators: under the text field, how many characters may still be typed.
        ? ngettext("Encore %(count)s caractère.", "Encore %(count)s caractères.", left)
        // Translators: under the text field, how many characters to remove.
        : ngettext("%(count)s caractère de trop.", "%(count)s caractères de trop.", -left);
    count.classList.toggle("is-error", left < 0);
    clearTimeout(pause);
    pause = setTimeout(() => {
      spoken.textContent = count.textContent;
    }, COUNT_PAUSE_MS);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close({ refocus: true });
    }
  });
  form.querySelector("[data-report-cancel]").addEventListener("click", () => close({ refocus: true }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form, url);
  });
}

function fields(form, url) {
  const data = new FormData(form);
  return {
    id: crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`,
    url,
    reason: data.get("reason") ?? "",
    text: (data.get("text") ?? "").trim(),
    email: (data.get("email") ?? "").trim(),
    made_at: isoWithOffset(new Date()),
  };
}

// Checked here what would be lost if a kept report were refused later.
function checkBeforeSending(form, report) {
  if (!report.reason) {
    return { parameter: "reason", message: NO_REASON };
  }
  if (!form.elements.email.checkValidity()) {
    return { parameter: "email", message: BAD_EMAIL };
  }
  return null;
}

async function submit(form, url) {
  const send = form.querySelector('[type="submit"]');
  if (send.getAttribute("aria-busy") === "true") {
    return;
  }
  clearErrors(form);
  const report = fields(form, url);
  const problem = checkBeforeSending(form, report);
  if (problem) {
    showError(form, problem);
    return;
  }
  send.setAttribute("aria-busy", "true");
  try {
    if (!navigator.onLine) {
      await keepFor(form, report, KEPT);
      return;
    }
    let outcome;
    try {
      outcome = await deliver(report);
    } catch {
      await keepFor(form, report, KEPT);
      return;
    }
    await answer(form, report, outcome);
  } finally {
    send.removeAttribute("aria-busy");
  }
}

async function answer(form, report, outcome) {
  if (outcome.kind === "sent") {
    done(form, SENT);
  } else if (outcome.kind === "down") {
    await keepFor(form, report, SERVER_DOWN);
    setTimeout(() => sendKept(told).catch(() => {}), RETRY_MS);
  } else if (outcome.kind === "busy") {
    say(form, outcome.error?.message ?? tryLater(outcome.retryAfter), "error");
  } else {
    showError(form, outcome.error ?? { message: REFUSED });
  }
}

// Too many reports: try again later, in so many minutes when the server said.
function tryLater(seconds) {
  const count = Math.ceil(Number(seconds) / 60);
  if (!Number.isFinite(count) || count <= 0) {
    return LATER;
  }
  return ngettext("Trop de signalements envoyés d'ici pour le moment : réessayez plus tard. (dans %(count)s minute)", "Trop de signalements envoyés d'ici pour le moment : réessayez plus tard. (dans %(count)s minutes)", count);
}

function keepFor(form, report, message) {
  waiting.set(report.id, form);
  done(form, message, "waiting");
  return keep(report);
}

// Called for each kept report the server has answered for good.
function told(report, outcome) {
  const form = waiting.get(report.id);
  waiting.delete(report.id);
  if (form?.isConnected) {
    say(form, outcome.kind === "sent" ? SENT : (outcome.error?.message ?? REFUSED), outcome.kind === "sent" ? "" : "error");
  }
}

// The fields give way to the message; one button closes it.
function done(form, message, state = "") {
  for (const part of form.querySelectorAll("fieldset, .report-field, .report-actions")) {
    part.hidden = true;
  }
  const closer = form.ownerDocument.createElement("button");
  closer.type = "button";
  closer.className = "button";
  closer.textContent = _("Fermer");
  closer.addEventListener("click", () => close({ refocus: true }));
  const actions = form.ownerDocument.createElement("p");
  actions.className = "report-actions";
  actions.append(closer);
  form.append(actions);
  say(form, message, state);
  form.querySelector("[data-report-title]").focus();
}

// `state`: "error", "waiting" (kept on the phone) or "" (sent, or nothing).
function say(form, message, state = "") {
  const line = form.querySelector("[data-report-message]");
  line.textContent = message;
  line.classList.toggle("is-error", state === "error");
  line.classList.toggle("is-waiting", state === "waiting");
}

function clearErrors(form) {
  for (const line of form.querySelectorAll("[data-report-error]")) {
    line.hidden = true;
    line.textContent = "";
  }
  for (const field of form.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
  }
  say(form, "");
}

// The server's (or our) words next to the field they are about, else below.
function showError(form, error) {
  const line = form.querySelector(`[data-report-error="${error.parameter}"]`);
  if (line === null) {
    say(form, error.message, "error");
    return;
  }
  line.textContent = error.message;
  line.hidden = false;
  const field = error.parameter === "reason" ? form.querySelector('[name="reason"]') : form.elements[error.parameter];
  field?.setAttribute("aria-invalid", "true");
  field?.focus();
}
