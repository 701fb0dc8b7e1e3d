// Words the cards show, computed in the browser from the API's fields. Each
// function mirrors its server twin, so both kinds of list read the same:
// describeStatus ↔ angela.core.hours.describe, walkText ↔
// angela.core.walking.walk_text, phoneText ↔ angela.core.phones.for_display
// (French numbers); tests/golden/ holds the cases both must pass.

const WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const MONTHS = [
  "janvier", "février", "mars", "avril", "mai", "juin",
  "juillet", "août", "septembre", "octobre", "novembre", "décembre",
];
const UNKNOWN_HOURS = "Horaires non renseignés";
// Past the end of the phone's list of opening times: no claim either way.
export const STALE_HOURS = "Horaires à vérifier";
// From this hour, a change before NIGHT_ENDS_HOUR the next day is "cette nuit".
const EVENING_HOUR = 18;
const NIGHT_ENDS_HOUR = 6;
// Eight directions, clockwise from north, as a person says them, with an arrow.
const DIRECTIONS = [
  ["au nord", "↑"], ["au nord-est", "↗"], ["à l'est", "→"], ["au sud-est", "↘"],
  ["au sud", "↓"], ["au sud-ouest", "↙"], ["à l'ouest", "←"], ["au nord-ouest", "↖"],
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

function inParis(date) {
  const parts = Object.fromEntries(parisClock.formatToParts(date).map((p) => [p.type, p.value]));
  const day = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  return { day: day / 86400000, date: new Date(day), hour: parts.hour, minute: parts.minute };
}

function when(change, now, closing) {
  const at = inParis(change);
  const days = at.day - inParis(now).day;
  // Closing at 00:00 tomorrow is what people call closing at midnight.
  if (closing && days === 1 && at.hour === "00" && at.minute === "00") {
    return "à minuit";
  }
  const time = `à ${at.hour}:${at.minute}`;
  if (days <= 0) {
    return time;
  }
  // Said in the evening of a change in the small hours: it is tonight.
  if (days === 1 && Number(at.hour) < NIGHT_ENDS_HOUR && Number(inParis(now).hour) >= EVENING_HOUR) {
    return `cette nuit ${time}`;
  }
  if (days === 1) {
    return `demain ${time}`;
  }
  if (days < 7) {
    return `${WEEKDAYS[(at.date.getUTCDay() + 6) % 7]} ${time}`;
  }
  return `le ${at.date.getUTCDate()} ${MONTHS[at.date.getUTCMonth()]} ${time}`;
}

export function describeStatus(openNow, nextChange, now = new Date()) {
  if (openNow === null || openNow === undefined) {
    return UNKNOWN_HOURS;
  }
  if (openNow) {
    return nextChange ? `Ouvert · ferme ${when(new Date(nextChange), now, true)}` : "Ouvert 24 h/24";
  }
  return nextChange ? `Fermé · ouvre ${when(new Date(nextChange), now, false)}` : "Fermé";
}

export function distanceText(metres) {
  if (metres < 1000) {
    return `${metres} m`;
  }
  if (metres < 9950) {
    const tenths = Math.floor((metres + 50) / 100);
    return `${Math.floor(tenths / 10)},${tenths % 10} km`;
  }
  return `${Math.floor((metres + 500) / 1000)} km`;
}

// Past this walk, too far on foot: call the 17 or a taxi
// (angela.core.walking.FAR_WALK_MINUTES).
const FAR_WALK_MINUTES = 30;

export function walkText(metres, minutes) {
  const distance = `${distanceText(metres)} à vol d'oiseau`;
  if (minutes > FAR_WALK_MINUTES) {
    return `${distance} · trop loin à pied : appelez le 17 ou un taxi`;
  }
  if (minutes < 1) {
    return `${distance} · moins d'une minute à pied`;
  }
  return `${distance} · ${minutes} min à pied`;
}

// "à 509 m du centre de Melun": a commune list is measured from the
// commune, not from the person (angela.core.walking.from_centre_text).
export function fromCentreText(metres, commune) {
  return `à ${distanceText(metres)} du centre de ${commune}`;
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
  const [words, arrow] = DIRECTIONS[sector];
  return { text: `${words} de vous`, arrow };
}

// The position's uncertainty, said only when it matters (over 100 m):
// "Position à ± 300 m près".
export function accuracyText(metres) {
  if (!(metres > 100)) {
    return "";
  }
  const rounded = metres < 1000 ? Math.ceil(metres / 50) * 50 : Math.ceil(metres / 100) * 100;
  return `Position à ± ${distanceText(rounded)} près`;
}

// "29/11 à 14:02", in Paris time, for the date of a kept list.
export function listDateText(date) {
  const at = inParis(date);
  const day = String(at.date.getUTCDate()).padStart(2, "0");
  const month = String(at.date.getUTCMonth() + 1).padStart(2, "0");
  return `${day}/${month} à ${at.hour}:${at.minute}`;
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
  const day = Number(found[3]);
  return `Vérifié le ${day === 1 ? "1er" : day} ${MONTHS[Number(found[2]) - 1]} ${found[1]}`;
}
