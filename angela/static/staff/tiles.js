// The background tiles of the staff maps. The tile server needs to know
// which site asks (OpenStreetMap's policy; the rest of the site sends no
// referrer at all). When tiles fail, the map says once what still works.

export function addTiles(map, dataset, onFailure) {
  const { L } = globalThis;
  let reported = false;
  return L.tileLayer(dataset.tileUrl, {
    attribution: dataset.tileAttribution,
    maxZoom: 19,
    referrerPolicy: "strict-origin",
  })
    .on("tileerror", () => {
      if (!reported) {
        reported = true;
        onFailure();
      }
    })
    .addTo(map);
}
