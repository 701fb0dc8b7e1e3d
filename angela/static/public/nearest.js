// The nearest refuges, found on the phone from the device snapshot
// (/api/v1/refuges/snapshot), ranked exactly as the API ranks them for the
// same data and moment: geodesic distance on the WGS84 ellipsoid (Karney's
// algorithm, GeographicLib, as pyproj runs it on the server), ties by id,
// open first, and when none is open within the walk limit, the nearest
// open refuge first. Twins: angela.core.nearest, angela.core.refuges,
// angela.public.presenters; tests/browser/test_device_ranking.py compares
// them. Nothing here sends anything anywhere.

import "../vendor/geographiclib/geographiclib-geodesic.min.js";
import { anyOpen, openFirst } from "./cards.js";
import { _ } from "./i18n.js";

const { geodesic } = globalThis;
const WGS84 = geodesic.Geodesic.WGS84;
const A = 6378137.0;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
// Room for floating-point error in the chords, far below a millimetre.
const CHORD_SLACK_M = 1e-6;
// The phone's search: this many nearest, open ones first.
const LIMIT = 5;

function ecef(lat, lon) {
  const phi = (lat * Math.PI) / 180;
  const lam = (lon * Math.PI) / 180;
  const n = A / Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
  return [n * Math.cos(phi) * Math.cos(lam), n * Math.cos(phi) * Math.sin(lam), n * (1 - E2) * Math.sin(phi)];
}

// Each refuge's stretches of open or unknown time, as [start, end, state]
// in milliseconds (end null when it never ends), sorted by start.
function stretches(refuge) {
  const at = (instant) => (instant === null ? null : Date.parse(instant));
  return [
    ...refuge.open_intervals.map(([start, end]) => [at(start), at(end), true]),
    ...refuge.unknown_intervals.map(([start, end]) => [at(start), at(end), null]),
  ].sort((a, b) => a[0] - b[0]);
}

// The snapshot made ready for many searches: positions in 3-D, instants parsed.
export function prepare(snapshot) {
  const refuges = snapshot.refuges;
  const points = refuges.map((refuge) => ecef(refuge.lat, refuge.lon));
  return {
    snapshot,
    refuges,
    xs: Float64Array.from(points, (p) => p[0]),
    ys: Float64Array.from(points, (p) => p[1]),
    zs: Float64Array.from(points, (p) => p[2]),
    schedules: refuges.map((refuge) => (refuge.hours_known ? stretches(refuge) : null)),
    validFrom: Date.parse(snapshot.generated_at),
    validUntil: Date.parse(snapshot.valid_until),
    speedKmh: snapshot.walking_speed_kmh,
    walkLimit: snapshot.walk_limit_minutes,
  };
}

// Whether the snapshot can still say what is open at `now` (milliseconds).
function knowsHoursAt(index, now) {
  return index.validFrom <= now && now < index.validUntil;
}

// The open status of the refuge at `position` at `now`, as the API gives it
// ({open_now, next_change}); open_now null when its hours say nothing, or
// when the snapshot no longer covers `now` (then `stale` is true).
function statusAt(index, position, now) {
  if (!knowsHoursAt(index, now)) {
    return { open_now: null, next_change: null, stale: true };
  }
  const schedule = index.schedules[position];
  if (schedule === null) {
    return { open_now: null, next_change: null, stale: false };
  }
  for (const [start, end, state] of schedule) {
    if (start > now) {
      return { open_now: false, next_change: start, stale: false };
    }
    if (end === null || now < end) {
      return { open_now: state, next_change: end, stale: false };
    }
  }
  return { open_now: false, next_change: null, stale: false };
}

// Python's round(): halves to the even neighbour.
function roundHalfEven(value) {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest !== 0.5) {
    return Math.round(value);
  }
  return floor % 2 === 0 ? floor : floor + 1;
}

function walkingMinutes(index, metres) {
  return Math.ceil((metres * 60) / (index.speedKmh * 1000));
}

// Up to `limit` refuges nearest to (lat, lon), as {position, distance,
// azimuth} nearest first, ties by id; `accept(position)` may leave some out.
// The chord through the earth is never longer than the geodesic, so once the
// `limit`-th geodesic found is shorter than every chord left, nothing else
// can do better: only a handful of geodesics are computed.
function nearest(index, lat, lon, limit, accept = null) {
  const size = index.refuges.length;
  if (size === 0 || limit < 1) {
    return [];
  }
  const [x, y, z] = ecef(lat, lon);
  const chords = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    const dx = index.xs[i] - x;
    const dy = index.ys[i] - y;
    const dz = index.zs[i] - z;
    chords[i] = Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
  const sorted = chords.slice().sort();
  const examined = new Uint8Array(size);
  const best = [];
  let wanted = Math.min(size, limit + 4);
  for (;;) {
    const bound = sorted[wanted - 1];
    const batch = [];
    for (let i = 0; i < size; i += 1) {
      if (!examined[i] && chords[i] <= bound) {
        batch.push(i);
      }
    }
    batch.sort((a, b) => chords[a] - chords[b] || a - b);
    for (const position of batch) {
      if (best.length === limit && chords[position] > best[limit - 1].distance + CHORD_SLACK_M) {
        return best;
      }
      examined[position] = 1;
      if (accept !== null && !accept(position)) {
        continue;
      }
      const line = WGS84.Inverse(lat, lon, index.refuges[position].lat, index.refuges[position].lon);
      const found = { position, distance: line.s12, azimuth: line.azi1 };
      const id = index.refuges[position].id;
      const at = best.findIndex((other) => found.distance < other.distance
        || (found.distance === other.distance && id < index.refuges[other.position].id));
      best.splice(at === -1 ? best.length : at, 0, found);
      best.length = Math.min(best.length, limit);
    }
    if (wanted === size) {
      return best;
    }
    wanted = Math.min(size, wanted * 4);
  }
}

// A walking route to the refuge, named by its words rather than its
// coordinates so that the map app says where it leads (why, at length: the
// twin, angela.public.presenters.directions_url). The same bytes as the
// server's: Python's urlencode keeps "~" and escapes "*", URLSearchParams
// does the opposite, and they agree on every other character.
export function directionsUrl(refuge) {
  const destination = `${refuge.name}, ${refuge.address}, ${refuge.postcode} ${refuge.commune.name}`;
  const query = new URLSearchParams({ api: "1", destination, travelmode: "walking" });
  return `https://www.google.com/maps/dir/?${query.toString().replaceAll("%7E", "~").replaceAll("*", "%2A")}`;
}

// The refuge as the API's nearest lookup gives it, with the bearing from
// the person added (degrees clockwise from north).
function asFound(index, { position, distance, azimuth }, now) {
  const refuge = index.refuges[position];
  const status = statusAt(index, position, now);
  const metres = roundHalfEven(distance);
  return {
    ...refuge,
    open_now: status.open_now,
    next_change: status.next_change === null ? null : new Date(status.next_change).toISOString(),
    hours_stale: status.stale,
    directions_url: directionsUrl(refuge),
    distance_m: metres,
    walking_minutes: walkingMinutes(index, metres),
    bearing: azimuth,
  };
}

// The twin of GET /api/v1/refuges/nearest (with open_now=1 when `openOnly`).
export function nearestRefuges(index, lat, lon, now, limit = LIMIT, openOnly = false) {
  const accept = openOnly ? (position) => statusAt(index, position, now).open_now === true : null;
  return nearest(index, lat, lon, limit, accept).map((found) => asFound(index, found, now));
}

// Even-odd test over every ring of the territory's outline (a GeoJSON
// Polygon or MultiPolygon), the twin of angela.core.territory.commune_at
// being not None (points exactly on the border aside).
function insideTerritory(geometry, lat, lon) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let inside = false;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
          inside = !inside;
        }
      }
    }
  }
  return inside;
}

// The twin of the server's commune listing (angela.public.presenters
// .commune_listing), for the commune picker when the network is gone: the
// commune's refuges nearest to its inside point first (ties by id), or the
// five nearest when it has none; open ones first; when none is open, the
// open refuge nearest to that point first, and the police before it. No
// bearing: the person is not at that point.
export function communeListing(index, code, now) {
  const commune = index.snapshot.communes.find((candidate) => candidate.code === code);
  if (!commune) {
    return null;
  }
  let found = [];
  index.refuges.forEach((refuge, position) => {
    if (refuge.commune.code === code) {
      const distance = WGS84.Inverse(commune.lat, commune.lon, refuge.lat, refuge.lon).s12;
      found.push({ position, distance, azimuth: 0 });
    }
  });
  const inCommune = found.length > 0;
  found.sort((a, b) => roundHalfEven(a.distance) - roundHalfEven(b.distance)
    || index.refuges[a.position].id - index.refuges[b.position].id);
  if (!inCommune) {
    found = nearest(index, commune.lat, commune.lon, LIMIT);
  }
  const fromCentre = (item) => {
    const refuge = asFound(index, item, now);
    delete refuge.bearing;
    refuge.from_centre = commune.name;
    return refuge;
  };
  const refuges = openFirst(found.map(fromCentre));
  let policeMessage = null;
  if (!refuges.some((refuge) => refuge.open_now === true)) {
    // The server's words (angela.public.listings.commune_listing).
    const values = { commune: commune.name };
    const sentences = [
      inCommune
        // Translators: %(commune)s is the name of a commune (a town).
        ? _("Aucun refuge à %(commune)s n'est ouvert en ce moment.", values)
        : _("Aucun des refuges les plus proches n'est ouvert en ce moment."),
    ];
    const accept = (position) => statusAt(index, position, now).open_now === true;
    for (const item of nearest(index, commune.lat, commune.lon, 1, accept)) {
      if (!refuges.some((refuge) => refuge.id === index.refuges[item.position].id)) {
        refuges.unshift(fromCentre(item));
        // Translators: %(commune)s is the name of a commune (a town).
        sentences.push(_("En premier : le refuge ouvert le plus proche du centre de %(commune)s.", values));
      }
    }
    sentences.push(_("En cas de danger, appelez le 17."));
    policeMessage = sentences.join(" ");
  }
  return {
    commune,
    refuges,
    in_commune: inCommune,
    police_message: policeMessage,
    hours_known: knowsHoursAt(index, now),
  };
}

// What the page shows after a tap: the five nearest, open ones first; when
// none is open within the walk limit, the nearest open refuge (wherever it
// is) first too.
export function findRefuges(index, lat, lon, now) {
  let refuges = openFirst(nearestRefuges(index, lat, lon, now));
  if (!anyOpen(refuges, index.walkLimit)) {
    const [open] = nearestRefuges(index, lat, lon, now, 1, true);
    if (open && !refuges.some((refuge) => refuge.id === open.id)) {
      refuges = [open, ...refuges];
    }
  }
  return {
    refuges,
    within_territory: insideTerritory(index.snapshot.territory, lat, lon),
    hours_known: knowsHoursAt(index, now),
  };
}
