// Words the cards show, computed in the browser from the API's fields, in the
// page's language (./i18n.js). Each function mirrors its server twin, so
// both kinds of list read the same:
// describeStatus ↔ angela.core.hours.describe, walkText ↔
// angela.core.walking.walk_text, phoneText ↔ angela.core.phones.for_display
// (French numbers); tests/golden/ holds the cases both must pass.

import { _, clockOptions, lang, locale } from "./i18n.js";

// The numbers and dates of every language in the digits of shop fronts and
// phone numbers (0-9), as the server writes them (angela.core.i18n).
const LOCALE = `${locale}-u-nu-latn`;
const FRENCH = lang === "fr";
const MONTHS = [
  "janvier", "février", "mars", "avril", "mai", "juin",
  "juillet", "août", "septembre", "octobre", "novembre", "décembre",
];
// Past the end of the phone's list of opening times: no claim either way.
export const STALE_HOURS = _("Horaires à vérifier");
// From this hour, a change before NIGHT_ENDS_HOUR the next day is "cette nuit".
const EVENING_HOUR = 18;
const NIGHT_ENDS_HOUR = 6;
// Eight directions, clockwise from north, as a person says them, with an
// arrow; the arrows point at the compass, so they are the same right to left.
const DIRECTIONS = [
  [_("au nord de vous"), "↑"], [_("au nord-est de vous"), "↗"], [_("à l'est de vous"), "→"],
  [_("au sud-est de vous"), "↘"], [_("au sud de vous"), "↓"], [_("au sud-ouest de vous"), "↙"],
  [_("à l'ouest de vous"), "←"], [_("au nord-ouest de vous"), "↖"],
];

const parisClock = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const paris = (options) => new Intl.DateTimeFormat(LOCALE, { timeZone: "Europe/Paris", ...options });
const clockFormat = paris({ ...clockOptions, minute: "2-digit" });
const weekdayFormat = paris({ weekday: "long" });
const dayMonthFormat = paris({ day: "numeric", month: "long" });
const dayMonthDigits = paris({ day: "2-digit", month: "2-digit" });
const calendarDay = new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });

function inParis(date) {
  const parts = Object.fromEntries(parisClock.formatToParts(date).map((p) => [p.type, p.value]));
  const day = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  return { day: day / 86400000, date: new Date(day), hour: parts.hour, minute: parts.minute };
}

// "19:30" in French, "2:00 ص" in Arabic: the time of day in Paris.
function clock(date) {
  return clockFormat.format(date);
}

// The open status in words (angela.core.hours.describe is its twin).
function described(open, change, now) {
  const at = inParis(change);
  const days = at.day - inParis(now).day;
  const words = { time: clock(change), weekday: weekdayFormat.format(change), date: dayMonthFormat.format(change) };
  // Closing at 00:00 tomorrow is what people call closing at midnight.
  if (open && days === 1 && at.hour === "00" && at.minute === "00") {
    return _("Ouvert · ferme à minuit");
  }
  // Said in the evening of a change in the small hours: it is tonight.
  const tonight = days === 1 && Number(at.hour) < NIGHT_ENDS_HOUR && Number(inParis(now).hour) >= EVENING_HOUR;
  if (open) {
    if (days <= 0) {
      return _("Ouvert · ferme à %(time)s", words);
    }
    if (tonight) {
      return _("Ouvert · ferme cette nuit à %(time)s", words);
    }
    if (days === 1) {
      return _("Ouvert · ferme demain à %(time)s", words);
    }
    if (days < 7) {
      return _("Ouvert · ferme %(weekday)s à %(time)s", words);
    }
    return _("Ouvert · ferme le %(date)s à %(time)s", words);
  }
  if (days <= 0) {
    return _("Fermé · ouvre à %(time)s", words);
  }
  if (tonight) {
    return _("Fermé · ouvre cette nuit à %(time)s", words);
  }
  if (days === 1) {
    return _("Fermé · ouvre demain à %(time)s", words);
  }
  if (days < 7) {
    return _("Fermé · ouvre %(weekday)s à %(time)s", words);
  }
  return _("Fermé · ouvre le %(date)s à %(time)s", words);
}

export function describeStatus(openNow, nextChange, now = new Date()) {
  if (openNow === null || openNow === undefined) {
    return _("Horaires non renseignés");
  }
  if (!nextChange) {
    return openNow ? _("Ouvert 24 h/24") : _("Fermé");
  }
  return described(openNow, new Date(nextChange), now);
}

const wholeNumber = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const tenthsNumber = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function distanceText(metres) {
  if (metres < 1000) {
    return _("%(distance)s m", { distance: wholeNumber.format(metres) });
  }
  if (metres < 9950) {
    const tenths = Math.floor((metres + 50) / 100);
    return _("%(distance)s km", { distance: tenthsNumber.format(tenths / 10) });
  }
  return _("%(distance)s km", { distance: wholeNumber.format(Math.floor((metres + 500) / 1000)) });
}

// Past this walk, too far on foot: call the 17 or a taxi
// (angela.core.walking.FAR_WALK_MINUTES).
const FAR_WALK_MINUTES = 30;

export function walkText(metres, minutes) {
  const distance = distanceText(metres);
  if (minutes > FAR_WALK_MINUTES) {
    return _("%(distance)s à vol d'oiseau · trop loin à pied : appelez le 17 ou un taxi", { distance });
  }
  if (minutes < 1) {
    return _("%(distance)s à vol d'oiseau · moins d'une minute à pied", { distance });
  }
  return _("%(distance)s à vol d'oiseau · %(minutes)s min à pied", { distance, minutes });
}

// "à 509 m du centre de Melun": a commune list is measured from the
// commune, not from the person (angela.core.walking.from_centre_text).
export function fromCentreText(metres, commune) {
  return _("à %(distance)s du centre de %(commune)s", { distance: distanceText(metres), commune });
}

export function phoneText(e164) {
  const french = /^\+33(\d{9})$/.exec(e164);
  if (!french) {
    return e164;
  }
  const digits = french[1];
  // Special-rate and free numbers (08…) are written 0 800 12 34 56.
  if (digits.startsWith("8")) {
    return `0 ${digits.slice(0, 3)} ${digits.slice(3).replace(/(\d\d)(?=\d)/g, "$1 ")}`;
  }
  return `0${digits}`.replace(/(\d\d)(?=\d)/g, "$1 ");
}

// "au nord-est de vous", and its arrow, from a bearing in degrees
// (clockwise from north, -180 to 180): the way to the refuge when the map
// has no background.
export function directionText(bearing) {
  const sector = Math.round((((bearing % 360) + 360) % 360) / 45) % 8;
  const [text, arrow] = DIRECTIONS[sector];
  return { text, arrow };
}

// The position's uncertainty, said only when it matters (over 100 m):
// "Position à ± 300 m près".
export function accuracyText(metres) {
  if (!(metres > 100)) {
    return "";
  }
  const rounded = metres < 1000 ? Math.ceil(metres / 50) * 50 : Math.ceil(metres / 100) * 100;
  return _("Position à ± %(distance)s près", { distance: distanceText(rounded) });
}

// "29/11 à 14:02", in Paris time, for the date of a kept list.
export function listDateText(date) {
  // Translators: when the kept list of refuges was fetched: "29/11 à 14:02".
  return _("%(day)s à %(time)s", { day: dayMonthDigits.format(date), time: clock(date) });
}

// "Vérifié le 12 octobre 2026" (1er for the first of the month) from the
// API's `last_checked_on` ("2026-10-12"), or null when never checked; the
// twin of angela.core.french.checked_text. Read from the text, not through
// Date: a calendar day has no time zone to shift it by one.
export function checkedText(isoDay) {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay ?? "");
  if (!found) {
    return null;
  }
  const [year, month, day] = [Number(found[1]), Number(found[2]), Number(found[3])];
  // French says "1er octobre"; the other languages as Intl writes them.
  const date = FRENCH
    ? `${day === 1 ? "1er" : day} ${MONTHS[month - 1]} ${year}`
    : calendarDay.format(new Date(Date.UTC(year, month - 1, day)));
  return _("Vérifié le %(date)s", { date });
}
