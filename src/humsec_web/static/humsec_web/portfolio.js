// Portfolio map: countries shaded by the funding of their projects (Leaflet, no tile server:
// the bundled country outlines are the base map, so it works offline).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { attributionControl: true, zoomSnap: 0.25 });
  map.attributionControl.addAttribution("Boundaries: Natural Earth");
  function fmt(x) { return Math.round(x).toLocaleString("en"); }
  Promise.all([
    fetch(el.dataset.shapes).then(function (r) { return r.json(); }),
    fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); })
  ]).then(function (res) {
    var shapes = res[0], rows = res[1].countries, byCode = {}, max = 0;
    rows.forEach(function (r) { byCode[r.key] = r; max = Math.max(max, r.budget); });
    var funded = [];
    var layer = L.geoJSON(shapes, {
      style: function (f) {
        var r = byCode[f.properties.iso_a3];
        var t = r && max > 0 ? r.budget / max : 0;
        return { color: "#444", weight: 1, fillColor: r ? "#0b4f8a" : "#ffffff", fillOpacity: r ? 0.25 + 0.65 * t : 0.6 };
      },
      onEachFeature: function (f, lyr) {
        var r = byCode[f.properties.iso_a3];
        if (r) { funded.push(lyr); }
        var text = f.properties.name + ": " + (r ? r.n + " project(s), " + fmt(r.budget) + " USD" : "no project");
        lyr.bindTooltip(text);
      }
    }).addTo(map);
    // the whole world is drawn; the view opens on the countries that have projects
    map.fitBounds(funded.length ? L.featureGroup(funded).getBounds().pad(0.3) : layer.getBounds());
  }).catch(function () { el.textContent = "The map could not be drawn; the tables below hold the same numbers."; });
})();
