// Map behaviour served inline with the base map: fetch and decode the compact geometry
// (content-hashed URLs, cached by the browser), keep one canvas layer per map, restyle
// it from a small values table on every filter change (geometry is never re-sent),
// legend and notes as Leaflet controls.
(function (map) {
  // Leaflet.markercluster throws "Map has no maxZoom specified" on a map without one
  // (no tile layer sets it here): without this the model points never appear
  if (map.options.maxZoom === undefined) map.setMaxZoom(18);
  // Leaflet focuses the map on mousedown so its arrow keys work, and restores only the
  // frame's own scroll; the page around a map partly below the fold then scrolls between
  // the press and the release, and the click lands on another place (at 1366×768 it
  // missed the unit under the pointer). The same focus, without scrolling anything:
  if (map.keyboard && map.keyboard.enabled()) {
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) this._map._container.focus({preventScroll: true});
    };
    map.keyboard.enable();
  }
  // One Leaflet polygon per feature, built straight from the delta-coded rings (no
  // GeoJSON objects in between, no string rounding): 10,000 communes in a fraction of
  // the time L.geoJSON takes. `each(layer, feature row, index)` finishes each layer.
  function polygons(doc, options, each) {
    var q = doc.q, group = L.featureGroup();
    for (var i = 0; i < doc.f.length; i++) {
      var f = doc.f[i], polys = f[f.length - 1], parts = new Array(polys.length);
      for (var p = 0; p < polys.length; p++) {
        var rings = new Array(polys[p].length);
        for (var r = 0; r < polys[p].length; r++) {
          var d = polys[p][r], x = 0, y = 0, ring = new Array(d.length >> 1);
          for (var k = 0, j = 0; k < d.length; k += 2, j++) {
            x += d[k]; y += d[k + 1];
            ring[j] = new L.LatLng(y * q, x * q);
          }
          rings[r] = ring;
        }
        parts[p] = rings;
      }
      var layer = L.polygon(parts, options);
      if (each) each(layer, f, i);
      group.addLayer(layer);
    }
    return group;
  }
  // The page sizes the map's frame to the window (page_style.py) and the map fills its
  // frame (`.leaflet-container` in map_view.CSS; streamlit-folium sets a fixed pixel
  // height on it); Leaflet follows the frame's size from here on by itself.
  map.invalidateSize({pan: false});
  // …and the frame reaches down to the window's bottom edge from wherever it starts
  // (a message above the map moves it down): set here, where its top is known
  function fitWindow() {
    try {
      var fe = window.frameElement, win = window.parent;
      if (!fe || !win) return;
      var top = fe.getBoundingClientRect().top + win.scrollY;
      var h = Math.max(380, Math.round(win.innerHeight - top - 44));
      if (fe.style.height !== h + "px") fe.style.setProperty("height", h + "px", "important");
    } catch (err) { /* not inside the page */ }
  }
  // A map nobody has moved yet shows its whole area at whatever size its frame gets:
  // a frame can be laid out after the map was made (zero-sized while the page reran,
  // then the map fitted the whole world), or grow to the window's height afterwards.
  // Only a real change of size refits (a first size, or a fifth more or less in either
  // direction): a page scrollbar appearing must not move the map under a pointer.
  var fitted = null;
  function refit() {
    var A = window.antt || {}, size = map.getSize();
    if (A.touched || !A.bounds || size.x <= 0 || size.y <= 0) return;
    var big = !fitted || fitted.x < 50 || fitted.y < 50 ||
      Math.abs(size.x - fitted.x) > 0.2 * fitted.x || Math.abs(size.y - fitted.y) > 0.2 * fitted.y;
    if (!big) return;
    fitted = size;
    map.fitBounds(A.bounds, {animate: false});
  }
  map.on("resize", refit);
  setTimeout(function () { map.invalidateSize({pan: false}); refit(); }, 0);
  ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (ev) {
    map.getContainer().addEventListener(ev, function () { (window.antt || {}).touched = true; });
  });
  // Presentation mode (the page holds a `.antt-present` element): a legend readable
  // from the back of the room, and the presentation's keys, pressed while the map has
  // the focus, handed to the page, whose buttons hold them (the arrows then step
  // through the saved views instead of panning the map)
  function presenting() {
    try { return !!window.parent.document.querySelector(".antt-present"); }
    catch (err) { return false; }
  }
  function fitPresentation() {
    map.getContainer().classList.toggle("antt-big", presenting());
  }
  var KEYS = ["PageDown", "PageUp", "Escape", "ArrowLeft", "ArrowRight"];
  document.addEventListener("keydown", function (e) {
    if (KEYS.indexOf(e.key) < 0 || !presenting()) return;
    e.preventDefault();
    e.stopPropagation();
    var page = window.parent;
    ["keydown", "keyup"].forEach(function (type) {
      page.document.dispatchEvent(new page.KeyboardEvent(type, {key: e.key, code: e.code, bubbles: true}));
    });
  }, true);
  fitWindow();
  fitPresentation();
  setInterval(function () { fitWindow(); fitPresentation(); }, 400);
  var A = window.antt = window.antt || {};
  A.map = map;
  A.units = null; A.outlines = null; A.values = null; A.loadedAt = null;  // a new base map
  A.renderer = L.canvas({padding: 0.5, tolerance: 3});
  // geometry comes over HTTP under a content-hashed URL (the browser keeps it), never
  // in the websocket message; the app may be served under a base path
  var base = window.location.pathname.split("/component/")[0].replace(/\/$/, "");
  // a request that fails (a dropped connection) is made once more; a slow one is left
  // to finish (a big commune layer over a slow office link may take long)
  function load(url, tries) {
    tries = tries === undefined ? 2 : tries;
    return fetch(base + url, {credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " " + url);
        return r.json();
      })
      .catch(function (err) {
        if (tries > 1) return load(url, tries - 1);
        throw err;
      });
  }
  // the marker-cluster plugin, loaded on first use (model points are off by default)
  A.withCluster = function (done) {
    if (L.markerClusterGroup) return done();
    if (!A.clusterLoading) {
      A.clusterLoading = new Promise(function (resolve, reject) {
        (A.clusterCss || []).forEach(function (href) {
          var l = document.createElement("link");
          l.rel = "stylesheet"; l.href = base + href; document.head.appendChild(l);
        });
        var s = document.createElement("script");
        s.src = base + A.clusterJs; s.onload = resolve;
        s.onerror = function () { reject(new Error("HTTP " + A.clusterJs)); };
        document.head.appendChild(s);
      });
    }
    A.clusterLoading.then(done);
  };
  // created now, filled when the geometry arrives: streamlit-folium hooks its click
  // handler onto the layers that exist when the script has run, and a feature group
  // passes its children's clicks on to it
  A.group = L.featureGroup().addTo(map);
  // A tooltip is bound to a unit when the pointer first reaches it (or a tap does),
  // not to all 10,000 at load: its content is built then from the current values, and
  // streamlit-folium's click handler (on A.group, reached after these) reads it, so a
  // click reports a tooltip that names the unit's code.
  function tipFor(e) {
    var layer = e.layer, props = {code: layer.options.code, name: layer.options.name};
    if (!layer.getTooltip()) layer.bindTooltip("", {sticky: true});
    // a click's tooltip carries a hidden stamp: the page tells a new click from the
    // last one streamlit-folium still reports after the view changed by other means
    var stamp = e.type === "click" ? '<span style="display:none"> #' + Date.now() + "</span>" : "";
    layer.setTooltipContent(A.tip(props, layer.options.i) + stamp);
    return layer;
  }
  function drawUnits(doc) {
    var w = A.unitWeight === undefined ? 0.6 : A.unitWeight;
    A.units = polygons(doc, {renderer: A.renderer, color: "#ffffff", weight: w, stroke: w > 0,
                             fillColor: "#d9d9d9", fillOpacity: 0.9}, function (layer, f, i) {
      layer.options.code = f[0];
      layer.options.name = f[1];
      layer.options.i = i;  // position in the document: values arrive in this order
    });
    A.units.on("mouseover", function (e) { tipFor(e).openTooltip(e.latlng); });
    A.units.on("click", tipFor);
    A.units.addTo(A.group);
  }
  A.loading = Promise.all([load(A.unitsUrl), A.outlinesUrl ? load(A.outlinesUrl) : null])
    .then(function (docs) {
      drawUnits(docs[0]);
      if (docs[1]) {
        A.outlines = polygons(docs[1], {renderer: A.renderer, interactive: false,
                                        color: "#333333", weight: 1.1, fill: false}).addTo(map);
      }
      A.loadedAt = Date.now();
      if (A.pending) A.apply(A.pending);
    })
    .catch(function (err) {
      A.loadError = String(err);
      var div = L.DomUtil.create("div", "antt-note");
      div.textContent = "Không tải được ranh giới (" + A.loadError + "). Tải lại trang.";
      var c = L.control({position: "topleft"}); c.onAdd = function () { return div; }; c.addTo(map);
    });
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
  // the legend never hides what the pointer is on: the pointer passes through it to
  // the map, and it fades while the pointer is on it or a tooltip reaches under it
  // the period a map of a comparison shows, over the map (textContent: never markup)
  A.caption = L.control({position: "topleft"});
  A.caption.onAdd = function () {
    var div = L.DomUtil.create("div", "antt-caption");
    div.style.display = "none";
    return div;
  };
  A.caption.addTo(map);
  // unit names on the map (the page offers it only when few units are shown)
  var SHORT = /^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Thị trấn|Xã|Phường|Đặc khu)\s+/;
  // Names that would overlap another are left out (larger units first), and the
  // choice is made again at every zoom: a legible map, never a carpet of text.
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    measure.font = getComputedStyle(map.getContainer()).fontFamily
      ? "11px " + getComputedStyle(map.getContainer()).fontFamily : "11px sans-serif";
    return measure.measureText(text).width;
  }
  function drawLabels(on) {
    A.labelsOn = !!on;
    if (A.labelLayer) { A.labelLayer.remove(); A.labelLayer = null; }
    if (!on || !A.units) return;
    var items = [];
    A.units.eachLayer(function (layer) {
      var b = layer.getBounds(), p0 = map.latLngToContainerPoint(b.getSouthWest()),
          p1 = map.latLngToContainerPoint(b.getNorthEast());
      items.push({layer: layer, size: Math.abs((p1.x - p0.x) * (p1.y - p0.y))});
    });
    items.sort(function (a, b) { return b.size - a.size; });
    var placed = [], size = map.getSize();
    A.labelLayer = L.layerGroup();
    items.forEach(function (it) {
      var name = String(it.layer.options.name).replace(SHORT, "");
      var at = it.layer.getCenter(), pt = map.latLngToContainerPoint(at);
      var w = textWidth(name) + 6, h = 16;  // the halo and a little air around it
      var box = [pt.x - w / 2, pt.y - h / 2, pt.x + w / 2, pt.y + h / 2];
      if (box[2] < 0 || box[3] < 0 || box[0] > size.x || box[1] > size.y) return;
      for (var i = 0; i < placed.length; i++) {
        var q = placed[i];
        if (box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]) return;
      }
      placed.push(box);
      var span = document.createElement("span");
      span.textContent = name;
      var icon = L.divIcon({className: "antt-label", html: span.outerHTML, iconSize: [0, 0]});
      L.marker(at, {icon: icon, interactive: false, keyboard: false}).addTo(A.labelLayer);
    });
    A.labelLayer.addTo(map);
    A.labelsShown = placed.length;
  }
  map.on("zoomend moveend", function () { if (A.labelsOn) drawLabels(true); });
  // The two maps of a comparison move together: each map's frame finds the other
  // maps of the page (same origin) and gives them its centre and zoom.
  function peers() {
    var out = [];
    try {
      var frames = window.parent.frames;
      for (var i = 0; i < frames.length; i++) {
        try {
          var w = frames[i];
          if (w !== window && w.antt && w.antt.map && w.antt.units) out.push(w.antt);
        } catch (err) { /* a frame of another origin */ }
      }
    } catch (err) { /* no parent */ }
    return out;
  }
  // "moveend" too: the last step of a drag's inertia comes after its last "move"
  map.on("move moveend", function () {
    if (A.syncing) return;
    var c = map.getCenter(), z = map.getZoom();
    peers().forEach(function (p) {
      p.syncing = true;
      try { p.map.setView(c, z, {animate: false}); } finally { p.syncing = false; }
    });
  });
  function fadeLegend(e) {
    var box = A.legend.getContainer(), r = box.getBoundingClientRect();
    var m = map.getContainer().getBoundingClientRect();
    var near = e && m.left + e.containerPoint.x > r.left - 20 && m.top + e.containerPoint.y < r.bottom + 20;
    var tips = map.getPane("tooltipPane").children;
    for (var i = 0; i < tips.length && !near; i++) {
      var t = tips[i].getBoundingClientRect();
      near = t.right > r.left && t.left < r.right && t.bottom > r.top && t.top < r.bottom;
    }
    L.DomUtil[near ? "addClass" : "removeClass"](box, "antt-faded");
  }
  // checked after the frame in which Leaflet moved the (sticky) tooltip to the pointer;
  // only the latest pointer event counts (a late check must not undo a mouseout)
  var fadeTurn = 0;
  function fadeLater(e) {
    var turn = ++fadeTurn;
    requestAnimationFrame(function () { if (turn === fadeTurn) fadeLegend(e); });
  }
  map.on("mousemove", fadeLater);
  map.on("tooltipclose", function () { fadeLater(null); });
  map.on("mouseout", function () {
    fadeTurn++;
    L.DomUtil.removeClass(A.legend.getContainer(), "antt-faded");
  });
  function fmt(x, digits, signed) {
    if (x === null || x === undefined || isNaN(x)) return "–";
    var t = Math.abs(Number(x)).toLocaleString("vi-VN", {minimumFractionDigits: digits, maximumFractionDigits: digits});
    if (!signed) return (x < 0 ? "−" : "") + t;
    return (x > 0 ? "+" : (x < 0 ? "−" : "±")) + t;
  }
  function esc(t) { var d = document.createElement("div"); d.textContent = t; return d.innerHTML; }
  A.tip = function (props, i) {
    var v = A.values, c = v && v.cols, b = v ? v.bins.charAt(i) : ".";
    var lines = ["<b>" + esc(props.name) + "</b>", "Mã: " + esc(props.code)];
    if (!v || b === "." || b === "") return lines.join("<br>") + "<br>Không có số liệu";
    var m = v.metric, val = c.value[i];
    var unit = m.pct && val !== null ? (m.signed ? " điểm %" : "%") : "";
    lines.push(esc(m.label) + ": <b>" + fmt(val, m.digits, m.signed) + unit + "</b>");
    lines.push("Số mô hình: " + fmt(c.model_count[i], 0) + " · đơn vị mô hình: " + fmt(c.model_units[i], 0));
    if (c.communes_with_status[i] > 0) {
      lines.push("Xã đạt chuẩn ANTT: " + fmt(c.certified_count[i], 0) + "/" + fmt(c.n_communes[i], 0));
      lines.push("Xã trọng điểm: " + fmt(c.hotspot_count[i], 0) + ", đã chuyển hóa: " + fmt(c.transitioned_count[i], 0));
    }
    return lines.join("<br>");
  };
  A.apply = function (v) {
    A.pending = v;
    if (!A.units) return 0;  // the geometry is still loading: applied when it arrives
    A.values = v;
    var drawn = 0, digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    A.units.eachLayer(function (layer) {
      var cls = digits.indexOf(v.bins.charAt(layer.options.i));
      layer.setStyle({fillColor: cls >= 0 ? v.colours[cls] : v.noData});
      drawn++;
    });
    var box = A.legend.getContainer();
    box.innerHTML = v.legendHtml;
    box.style.display = v.legendHtml ? "" : "none";  // a comparison's left map has none
    A.caption.getContainer().textContent = v.caption || "";
    A.caption.getContainer().style.display = v.caption ? "" : "none";
    drawLabels(v.labels);
    A.appliedAt = Date.now();
    A.appliedKey = v.key;
    // the canvas repaints on the next animation frame; stamped once that frame is out
    requestAnimationFrame(function () {
      setTimeout(function () { A.paintedAt = Date.now(); A.paintedKey = v.key; }, 0);
    });
    return drawn;
  };
  A.drawnCount = function () {
    var n = 0;
    A.units.eachLayer(function (l) { if (l._parts && l._parts.length) n++; });
    return n;
  };
})(MAP_VAR);
