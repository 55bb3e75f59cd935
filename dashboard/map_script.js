// Map behaviour served inline with the base map: decode the compact geometry, keep
// one canvas layer per map, restyle it from a small values table on every filter
// change (geometry is never re-sent), legend and notes as Leaflet controls.
(function (map) {
  function decode(doc) {
    var q = doc.q, feats = [];
    for (var i = 0; i < doc.f.length; i++) {
      var f = doc.f[i], polys = f[f.length - 1], coords = [];
      for (var p = 0; p < polys.length; p++) {
        var rings = [];
        for (var r = 0; r < polys[p].length; r++) {
          var d = polys[p][r], x = 0, y = 0, ring = [];
          for (var k = 0; k < d.length; k += 2) {
            x += d[k]; y += d[k + 1];
            ring.push([+(x * q).toFixed(6), +(y * q).toFixed(6)]);
          }
          rings.push(ring);
        }
        coords.push(rings);
      }
      feats.push({type: "Feature", properties: {code: f[0], name: f[1]},
                  geometry: {type: "MultiPolygon", coordinates: coords}});
    }
    return {type: "FeatureCollection", features: feats};
  }
  var A = window.antt = window.antt || {};
  A.map = map;
  A.renderer = L.canvas({padding: 0.5, tolerance: 3});
  A.units = L.geoJSON(decode(A.unitsDoc), {
    renderer: A.renderer,
    style: function () { var w = A.unitWeight === undefined ? 0.6 : A.unitWeight;
      return {color: "#ffffff", weight: w, stroke: w > 0, fillColor: "#d9d9d9", fillOpacity: 0.9}; },
    onEachFeature: function (feature, layer) { layer.options.code = feature.properties.code; }
  }).addTo(map);
  if (A.outlinesDoc) {
    A.outlines = L.geoJSON(decode(A.outlinesDoc), {
      renderer: A.renderer, interactive: false,
      style: function () { return {color: "#333333", weight: 1.1, fill: false}; }
    }).addTo(map);
  }
  (A.islandLabels || []).forEach(function (s) {
    L.circleMarker([s.lat, s.lon], {renderer: A.renderer, radius: 2.5, color: "#1f4e79",
      weight: 1, fillColor: "#1f4e79", fillOpacity: 1, interactive: false}).addTo(map);
  });
  (A.archipelagos || []).forEach(function (a) {
    L.marker([a.lat, a.lon], {interactive: false, keyboard: false,
      icon: L.divIcon({className: "antt-archipelago", html: "<span>" + a.label + "</span>", iconSize: [0, 0]})}).addTo(map);
  });
  var note = L.control({position: "bottomleft"});
  note.onAdd = function () {
    var div = L.DomUtil.create("div", "antt-note");
    div.innerHTML = A.noteHtml || "";
    return div;
  };
  if (A.noteHtml) note.addTo(map);
  A.legend = L.control({position: "topright"});
  L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
  A.legend.onAdd = function () { return L.DomUtil.create("div", "antt-legend"); };
  A.legend.addTo(map);
  A.apply = function (v) {
    A.values = v;
    var drawn = 0;
    A.units.eachLayer(function (layer) {
      var row = v.rows[layer.options.code];
      var cls = row ? row[0] : -1;
      layer.setStyle({fillColor: cls >= 0 ? v.colours[cls] : v.noData});
      layer.bindTooltip(row ? row[1] : layer.feature.properties.name, {sticky: true});
      drawn++;
    });
    A.legend.getContainer().innerHTML = v.legendHtml;
    A.appliedAt = Date.now();
    A.appliedKey = v.key;
    return drawn;
  };
  A.drawnCount = function () {
    var n = 0;
    A.units.eachLayer(function (l) { if (l._parts && l._parts.length) n++; });
    return n;
  };
  if (A.pending) A.apply(A.pending);
})(MAP_VAR);
