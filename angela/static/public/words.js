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
export const UNKNOWN_HOURS = "Horaires non renseignés";

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

export function walkText(metres, minutes) {
  let distance;
  if (metres < 1000) {
    distance = `${metres} m`;
  } else if (metres < 9950) {
    const tenths = Math.floor((metres + 50) / 100);
    distance = `${Math.floor(tenths / 10)},${tenths % 10} km`;
  } else {
    distance = `${Math.floor((metres + 500) / 1000)} km`;
  }
  if (minutes < 1) {
    return `${distance} · moins d'une minute à pied`;
  }
  if (minutes < 60) {
    return `${distance} · ${minutes} min à pied`;
  }
  return `${distance} · ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} à pied`;
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
