// The merchant form's map: "Localiser" asks the server (which asks the
// national address base), shows the point, and the pin can be dragged; the
// latitude and longitude fields follow the pin and the pin follows them.
// Without this script the same button works as a plain form submission.

import "../vendor/leaflet/leaflet.js";

const form = document.querySelector("form.merchant-form");
if (form) setUp(form);

function setUp(form) {
  const lat = form.querySelector("input[name=lat]");
  const lon = form.querySelector("input[name=lon]");
  const citycode = form.querySelector("input[name=citycode]");
  const status = form.querySelector("[data-locate-status]");
  const box = form.querySelector("[data-map]");
  const canvas = form.querySelector("[data-map-canvas]");
  const button = form.querySelector("[data-locate]");
  let map = null;
  let pin = null;

  const say = (text, isError = false) => {
    status.textContent = "";
    const span = document.createElement("span");
    if (isError) span.className = "error";
    span.textContent = text;
    status.append(span);
  };

  const position = () => {
    const a = Number.parseFloat(lat.value.replace(",", "."));
    const b = Number.parseFloat(lon.value.replace(",", "."));
    return Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
  };

  const show = (point) => {
    const { L } = globalThis;
    if (!L) {
      say("La carte ne peut pas s'afficher : saisissez la latitude et la longitude.", true);
      return;
    }
    box.hidden = false;
    if (!map) {
      map = L.map(canvas, { scrollWheelZoom: false });
      let reported = false;
      // The tile server needs to know which site asks (OpenStreetMap's policy);
      // the rest of the site sends no referrer at all.
      L.tileLayer(form.dataset.tileUrl, {
        attribution: form.dataset.tileAttribution,
        maxZoom: 19,
        referrerPolicy: "strict-origin",
      })
        .on("tileerror", () => {
          if (!reported) {
            reported = true;
            say("Le fond de carte ne se charge pas : le repère reste utilisable, ou saisissez les coordonnées.", true);
          }
        })
        .addTo(map);
      const icon = L.divIcon({
        className: "staff-pin",
        html: '<span class="staff-pin-dot"></span>',
        iconSize: [36, 44],
        iconAnchor: [18, 42],
      });
      pin = L.marker(point, { icon, draggable: true, autoPan: true, title: "Position du commerce", keyboard: true }).addTo(map);
      pin.on("dragend", () => {
        const moved = pin.getLatLng();
        lat.value = moved.lat.toFixed(6);
        lon.value = moved.lng.toFixed(6);
        say("Repère déplacé. Enregistrez pour garder cette position.");
      });
    } else {
      pin.setLatLng(point);
    }
    map.setView(point, 18);
  };

  const locate = async () => {
    const body = new FormData();
    body.append("address", form.querySelector("[name=address]").value);
    body.append("postcode", form.querySelector("[name=postcode]").value);
    body.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    say("Recherche de l'adresse…");
    try {
      const response = await fetch(form.dataset.locateUrl, { method: "POST", body, credentials: "same-origin" });
      const answer = await response.json();
      if (!response.ok) {
        say(answer.error || "La recherche a échoué : placez le point à la main.", true);
        return;
      }
      lat.value = answer.lat.toFixed(6);
      lon.value = answer.lon.toFixed(6);
      citycode.value = answer.citycode;
      say(`Trouvé : ${answer.label} (${answer.commune}). Vérifiez le repère, déplacez-le si besoin.`);
      show([answer.lat, answer.lon]);
    } catch {
      say("Le service d'adresses est injoignable : placez le point à la main ou saisissez les coordonnées.", true);
    }
  };

  button.addEventListener("click", (event) => {
    event.preventDefault();
    locate();
  });
  // Enter in the address means "find it"; elsewhere it saves the form.
  for (const name of ["address", "postcode"]) {
    form.querySelector(`[name=${name}]`).addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        locate();
      }
    });
  }
  for (const input of [lat, lon]) {
    input.addEventListener("change", () => {
      const point = position();
      if (point) show(point);
    });
  }
  const start = position();
  if (start) show(start);
}
