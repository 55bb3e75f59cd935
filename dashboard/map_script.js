// Map behaviour served inline with the base map: decode the compact geometry, keep
// one canvas layer per map, restyle it from a small values table on every filter
// change (geometry is never re-sent), legend and notes as Leaflet controls.
(function (map) {
  // Leaflet.markercluster throws "Map has no maxZoom specified" on a map without one
  // (no tile layer sets it here): without this the model points never appear
  if (map.options.maxZoom === undefined) map.setMaxZoom(18);
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
    onEachFeature: function (feature, layer) {
      layer.options.code = feature.properties.code;
      layer.bindTooltip(esc(feature.properties.name), {sticky: true});  // names are data, Leaflet renders HTML
      // content is built on hover from the current values, so a click (which follows
      // a hover) reports a tooltip that names the unit's code
      layer.on("mouseover", function () { layer.setTooltipContent(A.tip(feature.properties)); });
    }
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
      icon: L.divIcon({className: "antt-archipelago " + (a.side || "above"), html: "<span>" + a.label + "</span>", iconSize: [0, 0]})}).addTo(map);
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
  function fmt(x, digits) {
    if (x === null || x === undefined || isNaN(x)) return "–";
    return Number(x).toLocaleString("vi-VN", {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  function esc(t) { var d = document.createElement("div"); d.textContent = t; return d.innerHTML; }
  A.tip = function (props) {
    var v = A.values, r = v && v.rows[props.code];
    var lines = ["<b>" + esc(props.name) + "</b>", "Mã: " + props.code];
    if (!r) return lines.join("<br>") + "<br>Không có số liệu";
    var m = v.metric;
    lines.push(esc(m.label) + ": <b>" + fmt(r[1], m.digits) + (m.pct && r[1] !== null ? "%" : "") + "</b>");
    lines.push("Số mô hình: " + fmt(r[2], 0) + " · đơn vị mô hình: " + fmt(r[3], 0));
    if (r[6] > 0) {
      lines.push("Xã đạt chuẩn ANTT: " + fmt(r[4], 0) + "/" + fmt(r[5], 0));
      lines.push("Xã trọng điểm: " + fmt(r[7], 0) + ", đã chuyển hóa: " + fmt(r[8], 0));
    }
    return lines.join("<br>");
  };
  A.apply = function (v) {
    A.values = v;
    var drawn = 0;
    A.units.eachLayer(function (layer) {
      var row = v.rows[layer.options.code];
      var cls = row ? row[0] : -1;
      layer.setStyle({fillColor: cls >= 0 ? v.colours[cls] : v.noData});
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
