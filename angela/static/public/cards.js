// Refuge cards built in the browser from refuge objects as the API gives
// them (found on the phone: angela/static/public/nearest.js), with the
// page's own <template> (rendered by the same macro as the server's cards),
// and the order rules: open first; the police first when nothing is open
// near enough (angela.public.presenters.open_first and any_open say the same).

import { _ } from "./i18n.js";
import {
  STALE_HOURS,
  checkedText,
  describeStatus,
  directionText,
  fromCentreText,
  phoneText,
  walkText,
} from "./words.js";

const OPEN_RANK = (refuge) => (refuge.open_now === true ? 0 : refuge.open_now === null ? 1 : 2);

export function openFirst(refuges) {
  return refuges
    .map((refuge, position) => ({ refuge, position }))
    .sort((a, b) => OPEN_RANK(a.refuge) - OPEN_RANK(b.refuge) || a.position - b.position)
    .map(({ refuge }) => refuge);
}

export function anyOpen(refuges, withinMinutes) {
  return refuges.some((refuge) => refuge.open_now === true && refuge.walking_minutes <= withinMinutes);
}

function field(card, name) {
  return card.querySelector(`[data-field="${name}"]`);
}

export function buildCard(template, refuge, page) {
  const card = template.content.firstElementChild.cloneNode(true);
  Object.assign(card.dataset, { id: refuge.id, lat: refuge.lat, lon: refuge.lon, name: refuge.name });
  card.classList.toggle("is-open", refuge.open_now === true);
  const link = field(card, "link");
  link.textContent = refuge.name;
  link.href = `${page.refugeUrl}${refuge.id}`;
  const kind = refuge.category in page.categories ? refuge.category : "other";
  field(card, "icon").setAttribute("href", `${page.iconsUrl}#${kind}`);
  field(card, "kind").textContent = page.categories[kind];
  field(card, "walk").textContent = refuge.from_centre
    ? fromCentreText(refuge.distance_m, refuge.from_centre)
    : walkText(refuge.distance_m, refuge.walking_minutes);
  if (refuge.bearing === undefined) {
    field(card, "direction-line").remove();
  } else {
    const direction = directionText(refuge.bearing);
    field(card, "arrow").textContent = direction.arrow;
    field(card, "direction").textContent = direction.text;
  }
  const status = field(card, "status");
  status.textContent = refuge.hours_stale ? STALE_HOURS : describeStatus(refuge.open_now, refuge.next_change);
  status.classList.remove("status-unknown");
  status.classList.add(
    refuge.open_now === true ? "status-open" : refuge.open_now === false ? "status-closed" : "status-unknown",
  );
  // The report address of refuge 0, as the server wrote it, made this one's.
  const report = field(card, "report");
  if (report) {
    report.href = page.reportUrl.replace(/\/0(?=\/|$)/, `/${refuge.id}`);
    field(card, "report-name").textContent = ` : ${refuge.name}`;
  }
  field(card, "address").textContent = `${refuge.address}, ${refuge.postcode} ${refuge.commune.name}`;
  const checked = checkedText(refuge.last_checked_on);
  if (checked) {
    field(card, "checked").textContent = checked;
  } else {
    field(card, "checked").remove();
  }
  field(card, "directions").href = refuge.directions_url;
  // Translators: heard by screen readers after the button's visible "Y aller"
  // ("Go"), as in "Y aller à pied : Café de la Mairie"; %(name)s is the refuge.
  field(card, "go-name").textContent = " " + _("à pied : %(name)s", { name: refuge.name });
  const call = field(card, "call");
  if (refuge.phone) {
    call.href = `tel:${refuge.phone}`;
    field(card, "call-name").textContent = ` ${refuge.name}`;
    field(card, "phone").textContent = phoneText(refuge.phone);
  } else {
    call.remove();
  }
  return card;
}

export function buildPoliceFirst(template, message) {
  const block = template.content.firstElementChild.cloneNode(true);
  field(block, "message").textContent = message;
  return block;
}
