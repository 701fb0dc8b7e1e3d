// The merchant form's map: "Localiser" asks the server (which asks the
// national address base), shows the point, and the pin can be dragged; the
// latitude and longitude fields follow the pin and the pin follows them.
// Without this script the same button works as a plain form submission.
// "Utiliser ma position" (registering from inside the shop) puts the
// device's position in the fields and the pin; it goes nowhere else, and
// reaches the server only as the merchant's coordinates when the form is saved.

import "../vendor/leaflet/leaflet.js";
import { addTiles } from "./tiles.js";

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
  const here = form.querySelector("[data-here]");
  let map = null;
  let pin = null;

  // `say` replaces what the status line says; `add` keeps it (the tiles
  // failing must not hide where the point came from, nor how precise it is).
  const add = (text, isError = false) => {
    const span = document.createElement("span");
    if (isError) span.className = "error";
    span.textContent = text;
    status.append(" ", span);
  };
  const say = (text, isError = false) => {
    status.textContent = "";
    add(text, isError);
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
      addTiles(map, form.dataset, () => {
        add("Le fond de carte ne se charge pas : le repère reste utilisable, ou saisissez les coordonnées.", true);
      });
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

  const positionErrors = {
    1: "Position refusée : autorisez la localisation pour ce site dans le navigateur, ou localisez l'adresse.",
    2: "Position introuvable pour le moment : localisez l'adresse, ou saisissez les coordonnées.",
    3: "La position met trop de temps à venir : réessayez près d'une fenêtre, ou localisez l'adresse.",
  };

  const useMyPosition = () => {
    say("Recherche de votre position…");
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        lat.value = coords.latitude.toFixed(6);
        lon.value = coords.longitude.toFixed(6);
        citycode.value = ""; // the commune comes from the point, not from an address
        const metres = Math.round(coords.accuracy);
        say(`Position trouvée (à ${metres} m près). Vérifiez le repère sur l'entrée, déplacez-le si besoin, puis enregistrez.`);
        show([coords.latitude, coords.longitude]);
      },
      (error) => say(positionErrors[error.code] || positionErrors[2], true),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 },
    );
  };

  if (here && globalThis.isSecureContext && "geolocation" in navigator) {
    here.hidden = false;
    here.addEventListener("click", useMyPosition);
  }

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
