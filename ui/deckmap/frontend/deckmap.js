/* PassMap's map: deck.gl layers from pydeck JSON, inside a Streamlit component (v1 protocol,
 * plain script, no build step). Why not st.pydeck_chart: see ui/deckmap/__init__.py.
 *
 * - Layers arrive as one JSON string each, or as a reference "@<digest>" to a large layer kept
 *   on the server (ui/deckmap/__init__.py): the references this frame has not seen are
 *   fetched from args.layer_url in one request before the render. A layer whose string (or
 *   reference) did not change keeps its data (deck.gl then uploads nothing and a rerun redraws
 *   nothing).
 * - A click sends {selection: {indices, objects}, seq, scope, coordinate} (the selection has the
 *   shape st.pydeck_chart uses) with the object's scalar fields only. The click stays queued
 *   until a render acknowledges its seq (args.ack = the highest seq the session has seen on
 *   this map): a click that arrives while the app is busy is sent again, never lost. A new
 *   frame (the page was left and opened again) numbers its clicks on from args.ack, so a new
 *   click never carries the number of an old one the page has set aside.
 * - The picked and the hovered objects are highlighted by id: a new spec (another level)
 *   keeps the highlight only if the same object is on it.
 * - The user's pan and zoom survive reruns: the view is reset only when the page asks for a
 *   different one (another level, a search hit).
 * - Layers may carry minZoom / maxZoom (level of detail): drawn only inside that zoom range,
 *   and handed to deck.gl only once the view is first inside it (layers()).
 * - Without a GPU every vertex layout costs its first draw a pipeline compile: constant colours
 *   and sizes become accessors and every layer carries picking colours, so each layer type has
 *   one layout (withAttributeAccessors).
 * - Overlays drawn in HTML over the canvas: the search answer, a scale bar in the district's
 *   units, a north arrow, the grid's column letters and row numbers along the edges.
 * - Signals for tests and benchmarks: #map[data-drawn] is "true" once the current spec is on
 *   screen (data-spec names it), #map[data-hovers] counts the pointer's picks answered (the
 *   tooltip is current once it has grown after a move), User Timing marks deckmap:render /
 *   draw / drawn, and window.pmLabelReport() returns the label boxes drawn and how many overlap.
 * - Tooltips are plain text (deck.gl sets innerText): user text never becomes markup.
 * - A click is a click however long the browser takes to answer it: deck.gl picks on
 *   pointerdown (the first pick compiles shaders, a big plan takes a while in software WebGL)
 *   and its tap recogniser drops any press longer than 250 ms, so a click that landed while the
 *   page was busy (a rerun redrawing, a loaded machine) was lost. A press that does not move is
 *   a click up to CLICK_HOLD_MS.
 * - Marks for tests and benchmarks (User Timing): deckmap:render (new layers or view),
 *   deckmap:unchanged (a rerun that changed nothing), deckmap:drawn (the frame with them shown),
 *   deckmap:warm-pick-end (picking ready).
 * - No request leaves the server unless a tile URL was configured.
 */
(function () {
  "use strict";

  const mapEl = document.getElementById("map");
  const errorEl = document.getElementById("error");
  const attributionEl = document.getElementById("attribution");
  const answerEl = document.getElementById("answer");
  const scaleEl = document.getElementById("scale");
  const northEl = document.getElementById("north");
  const colsEl = document.getElementById("grid-cols");
  const rowsEl = document.getElementById("grid-rows");
  const converter = new deck.JSONConverter({
    configuration: new deck.JSONConfiguration({classes: deck}),
  });
  const HIGHLIGHT = [255, 0, 255, 150];
  const CLICK_HOLD_MS = 10000;       // deck.gl's default is 250 ms (see the header)
  const HOVER = [255, 255, 255, 110];
  const RESEND_MS = 900;
  const state = {
    deck: null, cache: new Map(), specs: [], zoom: null, height: 0, view: null, tilesJson: null,
    selected: null, hovered: null, tiles: null, warmed: false, changed: false, viewState: null,
    scope: null, seq: 0, pending: null, clicks: "objects", overlay: {}, reportTimer: null,
    rendered: false, hovers: 0,
  };

  function post(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.style.display = message ? "block" : "none";
  }

  const fetched = new Map();           // reference -> layer object, until a render takes it
  const inflight = new Map();          // reference -> promise of its fetch
  let latestRender = 0;

  function fetchLayers(url, refs) {
    // One request for every reference not yet here or on its way; resolves when all are here.
    const ask = refs.filter((r) => !inflight.has(r));
    if (ask.length) {
      const done = fetch(url + "?r=" + ask.join(","), {credentials: "same-origin"})
        .then((response) => {
          if (!response.ok) throw new Error("layers: HTTP " + response.status);
          return response.json();
        })
        .then((layers) => { ask.forEach((r, i) => fetched.set(r, layers[i])); })
        .finally(() => ask.forEach((r) => inflight.delete(r)));
      ask.forEach((r) => inflight.set(r, done));
    }
    return Promise.all(refs.map((r) => inflight.get(r)).filter(Boolean));
  }

  function onRender(args) {
    // Render at once if every layer is here; else after the fetch, unless a newer render came.
    const turn = ++latestRender;
    const missing = (args.layers || []).filter(
      (e) => e[0] === "@" && !state.cache.has(e) && !fetched.has(e));
    if (!missing.length) return render(args);
    performance.mark("deckmap:fetch");
    fetchLayers(args.layer_url, missing).then(() => {
      if (turn === latestRender) render(args);
    }).catch((error) => {
      // the next run of the page (a second at most on a live map) asks again
      if (turn === latestRender) showError("The map is being loaded again (" + error.message + ")");
    });
  }

  // Accessors deck.gl turns into a buffer per object when given a function and into a constant
  // vertex attribute when given a value; the picking colours too, unless the layer is pickable or
  // highlights. Each such mix is a vertex layout of its own, and without a GPU (software WebGL)
  // the first draw of every layout compiles its own pipeline (~0.1 s each here; a floor plan had
  // 6-8 of them). So constant colours, sizes and offsets become functions that return them, and
  // layers that are not picked carry a picking buffer anyway (highlightedObjectIndex -1, see
  // layers()): two layouts for a floor plan (polygons, text). Same pixels.
  const ATTRIBUTE_ACCESSORS = ["getFillColor", "getLineColor", "getColor", "getSize",
    "getLineWidth", "getRadius", "getBackgroundColor", "getPixelOffset", "getAngle"];

  function withAttributeAccessors(layer) {
    const props = {};
    for (const name of ATTRIBUTE_ACCESSORS) {
      const value = layer.props[name];
      if (value !== undefined && value !== null && typeof value !== "function") {
        props[name] = () => value;
      }
    }
    return Object.keys(props).length ? layer.clone(props) : layer;
  }

  function convert(json) {
    const cached = state.cache.get(json);
    if (cached) return cached;
    const raw = json[0] === "@" ? fetched.get(json) : JSON.parse(json);
    return {
      layer: withAttributeAccessors(converter.convert({layers: [raw]}).layers[0]),
      minZoom: typeof raw.minZoom === "number" ? raw.minZoom : -Infinity,
      maxZoom: typeof raw.maxZoom === "number" ? raw.maxZoom : Infinity,
      ids: null,
    };
  }

  function idsOf(entry) {
    // Object ids of a layer's rows (for highlights that follow an object across specs).
    if (entry.ids === null) {
      const data = entry.layer.props.data;
      entry.ids = Array.isArray(data) ? data.map((row) => (row && row.id) || null) : [];
    }
    return entry.ids;
  }

  function basemap() {
    if (!state.tiles || !state.tiles.url) return [];
    return [new deck.TileLayer({
      id: "basemap-tiles", data: state.tiles.url, tileSize: 256, minZoom: 0,
      maxZoom: state.tiles.max_zoom || 19, maxRequests: 6,
      renderSubLayers: (props) => {
        const b = props.tile.boundingBox;
        return new deck.BitmapLayer(props, {
          data: null, image: props.data, bounds: [b[0][0], b[0][1], b[1][0], b[1][1]],
        });
      },
    })];
  }

  function visibleAt(entry, zoom) {
    return zoom === null || (zoom >= entry.minZoom && zoom < entry.maxZoom);
  }

  function indexOf(entry, picked) {
    // The picked object's row in this layer: by id (it may move in a new spec), else as picked.
    if (picked.id === null || picked.id === undefined) return picked.index;
    return idsOf(entry).indexOf(picked.id);
  }

  function layers() {
    // A layer outside its zoom range joins deck.gl only once it is first in range (and then
    // stays, hidden or shown): deck.gl processes the data of hidden layers too, and a floor's
    // labels come in a layer per zoom step, most of them beyond the first view.
    const out = basemap();
    for (const entry of state.specs) {
      const visible = visibleAt(entry, state.zoom);
      if (!visible && !entry.added) continue;
      entry.added = true;
      const props = {visible: visible, autoHighlight: false};
      const id = entry.layer.id;
      let index = -1, colour = HIGHLIGHT;
      if (state.selected && state.selected.layer === id) {
        index = indexOf(entry, state.selected);
      }
      if (index < 0 && state.hovered && state.hovered.layer === id) {
        index = state.hovered.index;
        colour = HOVER;
      }
      if (entry.layer.props.pickable) {
        props.highlightedObjectIndex = index;
        props.highlightColor = colour;
      } else {
        props.highlightedObjectIndex = -1;   // a picking buffer: one vertex layout (above)
      }
      out.push(entry.layer.clone(props));
    }
    return out;
  }

  function scalars(object) {
    const out = {};
    for (const [key, value] of Object.entries(object || {})) {
      if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
        out[key] = value;
      }
    }
    return out;
  }

  // -- clicks: queued until the script acknowledges them -------------------------------------
  function send(value) {
    state.pending = {value: value, sentAt: performance.now()};
    mapEl.dataset.pendingClick = String(value.seq);
    post("streamlit:setComponentValue", {value: value, dataType: "json"});
  }

  function resendIfUnacknowledged() {
    const pending = state.pending;
    if (!pending || performance.now() - pending.sentAt < RESEND_MS) return;
    performance.mark("deckmap:click-resent");
    send(pending.value);
  }

  function acknowledge(ack) {
    if (state.pending && typeof ack === "number" && ack >= state.pending.value.seq) {
      state.pending = null;
      delete mapEl.dataset.pendingClick;
    }
  }

  setInterval(resendIfUnacknowledged, RESEND_MS);

  function select(info) {
    if (!state.rendered) return;        // numbered on from args.ack: wait for the first render
    const coordinate = info && info.coordinate ?
      [Math.round(info.coordinate[0] * 1e7) / 1e7, Math.round(info.coordinate[1] * 1e7) / 1e7] :
      null;
    let selection = null;
    if (info && info.object && info.layer) {
      const id = info.layer.id;
      const oid = info.object.id === undefined ? null : info.object.id;
      state.selected = {layer: id, id: oid, index: info.index};
      selection = {indices: {[id]: [info.index]}, objects: {[id]: [scalars(info.object)]}};
    } else if (state.selected || state.clicks === "all") {
      state.selected = null;
      selection = {indices: {}, objects: {}};
    } else {
      return;                           // a click beside everything, nothing to clear
    }
    state.deck.setProps({layers: layers()});
    state.seq += 1;
    send({selection: selection, seq: state.seq, scope: state.scope, coordinate: coordinate});
  }

  function hover(info) {
    // deck.gl calls this after each hover pick and sets its tooltip right after, in the same task
    state.hovers += 1;
    mapEl.dataset.hovers = String(state.hovers);
    const next = info && info.object && info.layer && info.layer.props.pickable ?
      {layer: info.layer.id, index: info.index} : null;
    const same = (next === null && state.hovered === null) || (next && state.hovered &&
      next.layer === state.hovered.layer && next.index === state.hovered.index);
    if (same) return;
    state.hovered = next;
    state.deck.setProps({layers: layers()});
  }

  function tooltip(info) {
    const tip = info && info.object && info.object.tip;
    if (!tip) return null;
    return {text: String(tip), className: "deck-tooltip", style: {
      fontSize: "13px", maxWidth: "320px", whiteSpace: "pre-line", padding: "6px 8px",
      background: "rgba(38, 39, 48, 0.92)", color: "#fff", borderRadius: "4px"}};
  }

  // -- overlays: scale bar, north arrow, grid rulers, search answer --------------------------
  function metresPerPixel(lat, zoom) {
    return 2 * Math.PI * 6378137 * Math.cos(lat * Math.PI / 180) / (512 * Math.pow(2, zoom));
  }

  function drawScale() {
    const lengths = state.overlay.scale;
    if (!Array.isArray(lengths) || !lengths.length || !state.viewState) {
      scaleEl.style.display = "none";
      return;
    }
    const mpp = metresPerPixel(state.viewState.latitude, state.viewState.zoom);
    let best = lengths[0];
    for (const item of lengths) if (item[0] / mpp <= 130) best = item;
    const px = Math.max(20, Math.round(best[0] / mpp));
    scaleEl.style.display = "block";
    scaleEl.querySelector(".bar").style.width = px + "px";
    scaleEl.querySelector(".label").textContent = best[1];
    scaleEl.dataset.metres = String(best[0]);
  }

  function currentViewport() {
    // Before deck.gl's first frame it has no viewports yet (getViewports asserts): none.
    if (!state.deck || !state.deck.isInitialized) return null;
    return state.deck.getViewports()[0] || null;
  }

  function drawGridRulers() {
    const grid = state.overlay.grid;
    colsEl.textContent = "";
    rowsEl.textContent = "";
    if (!grid) return;
    const viewport = currentViewport();
    if (!viewport) return;                // drawn again once the map is (publishReport)
    const lat = state.viewState ? state.viewState.latitude : 0;
    const lon = state.viewState ? state.viewState.longitude : 0;
    const width = mapEl.clientWidth, height = state.height;
    ruler(colsEl, grid.cols, (cLon) => viewport.project([cLon, lat])[0], width, "left");
    ruler(rowsEl, grid.rows, (cLat) => viewport.project([lon, cLat])[1], height, "top");
  }

  function ruler(el, marks, toPixel, extent, side) {
    // One edge's labels (column letters or row numbers) where their line crosses the view.
    for (const [label, at] of marks || []) {
      const px = toPixel(at);
      if (px < 14 || px > extent - 14) continue;
      const span = document.createElement("span");
      span.textContent = label;
      span.style[side] = px + "px";
      el.appendChild(span);
    }
  }

  function drawOverlay() {
    const answer = state.overlay.answer;
    answerEl.textContent = answer || "";
    answerEl.style.display = answer ? "block" : "none";
    answerEl.style.top = state.overlay.grid ? "26px" : "8px";
    answerEl.style.left = state.overlay.grid ? "30px" : "8px";
    northEl.style.display = state.overlay.north ? "flex" : "none";
    drawScale();
    drawGridRulers();
  }

  // -- what was drawn: label boxes, for tests and the visual regression check ----------------
  const measureCtx = document.createElement("canvas").getContext("2d");

  function accessor(value, object, index, data) {
    return typeof value === "function" ? value(object, {index: index, data: data, target: []}) :
      value;
  }

  function boxesOf(entry, viewport) {
    const p = entry.layer.props;
    const data = Array.isArray(p.data) ? p.data : [];
    const out = [];
    for (let i = 0; i < data.length; i++) {
      const object = data[i];
      const text = String(accessor(p.getText, object, i, data) || "");
      if (!text) continue;
      const size = Number(accessor(p.getSize, object, i, data)) * (p.sizeScale || 1);
      const [x, y] = viewport.project(accessor(p.getPosition, object, i, data));
      const offset = accessor(p.getPixelOffset, object, i, data) || [0, 0];
      const anchor = accessor(p.getTextAnchor, object, i, data) || "middle";
      const baseline = accessor(p.getAlignmentBaseline, object, i, data) || "center";
      measureCtx.font = `${p.fontWeight || "normal"} ${size}px ${p.fontFamily}`;
      let w = 0, h = 0;
      if (p.pmKind === "icon") {        // the shape glyph's ink
        const m = measureCtx.measureText(text);
        w = m.actualBoundingBoxLeft + m.actualBoundingBoxRight;
        h = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
      } else {
        const lines = text.split("\n");
        w = Math.max(...lines.map((line) => measureCtx.measureText(line).width));
        h = lines.length * size * (p.lineHeight || 1);
      }
      const x0 = anchor === "middle" ? x - w / 2 : anchor === "start" ? x : x - w;
      const y0 = baseline === "center" ? y - h / 2 : baseline === "top" ? y : y - h;
      out.push({layer: p.id, kind: p.pmKind, text: text,
                box: [x0 + offset[0], y0 + offset[1], x0 + offset[0] + w, y0 + offset[1] + h]});
    }
    return out;
  }

  function labelReport() {
    const viewport = currentViewport();
    const boxes = [];
    if (viewport) {
      for (const entry of state.specs) {
        const kind = entry.layer.props.pmKind;
        if ((kind === "label" || kind === "icon") && visibleAt(entry, state.zoom)) {
          boxes.push(...boxesOf(entry, viewport));
        }
      }
    }
    const width = mapEl.clientWidth, height = state.height;
    const onScreen = boxes.filter((b) => b.box[2] > 0 && b.box[0] < width &&
                                         b.box[3] > 0 && b.box[1] < height);
    const pairs = [];
    for (let i = 0; i < onScreen.length; i++) {
      const a = onScreen[i].box;
      for (let j = i + 1; j < onScreen.length; j++) {
        const b = onScreen[j].box;
        if (a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5) {
          pairs.push([onScreen[i].text, onScreen[j].text]);
        }
      }
    }
    return {zoom: state.zoom, count: onScreen.length, overlaps: pairs.length,
            pairs: pairs.slice(0, 20), boxes: onScreen};
  }

  window.pmLabelReport = labelReport;

  function publishReport() {
    clearTimeout(state.reportTimer);
    state.reportTimer = setTimeout(() => {
      const report = labelReport();
      mapEl.dataset.labels = String(report.count);
      mapEl.dataset.labelOverlaps = String(report.overlaps);
      drawGridRulers();
    }, 150);
  }

  // -- view and drawing ----------------------------------------------------------------------
  function zoomChanged(zoom) {
    // Re-filter only when a layer's zoom range is crossed (level of detail).
    const before = state.zoom;
    state.zoom = zoom;
    mapEl.dataset.zoom = zoom.toFixed(2);         // read by tests/browser/test_deckmap.py
    if (before === null) return;
    const crossed = state.specs.some((e) => visibleAt(e, before) !== visibleAt(e, zoom));
    if (crossed) state.deck.setProps({layers: layers()});
  }

  function afterRender() {
    // After new layers: User Timing marks read by bench/bench_maps.py, the draw calls of every
    // layer issued ("draw"), then two animation frames later ("drawn", the frame shown).
    if (!state.changed) return;
    state.changed = false;
    performance.mark("deckmap:draw");
    requestAnimationFrame(() => requestAnimationFrame(() => {
      performance.mark("deckmap:drawn");
      mapEl.dataset.drawn = "true";
      publishReport();
      warmPicking();
    }));
  }

  function warmPicking() {
    // The first pick compiles the picking shaders (~0.5 s in software WebGL): do it while the
    // user is still looking, so the first click answers at once.
    if (state.warmed) return;
    state.warmed = true;
    const run = () => {
      performance.mark("deckmap:warm-pick-start");
      try { state.deck.pickObject({x: 1, y: 1, radius: 0}); } catch (e) { /* no-op */ }
      performance.mark("deckmap:warm-pick-end");
    };
    if (window.requestIdleCallback) window.requestIdleCallback(run, {timeout: 1500});
    else setTimeout(run, 300);
  }

  function fitView(view) {
    // Same arithmetic as layers/deck.py fit_zoom, with the canvas's real size.
    if (!Array.isArray(view.fitBounds)) return view;
    const [minx, miny, maxx, maxy] = view.fitBounds;
    const pad = view.fitPadding || 1.15;
    const width = mapEl.clientWidth || 900, height = state.height || 640;
    const lon = (minx + maxx) / 2, lat = (miny + maxy) / 2;
    const spanX = Math.max((maxx - minx) * pad, 1e-6);
    const spanY = Math.max((maxy - miny) * pad, 1e-6) / Math.max(Math.cos(lat * Math.PI / 180), 0.01);
    const maxZoom = typeof view.maxFitZoom === "number" ? view.maxFitZoom : 21.5;
    const zoom = Math.max(1, Math.min(Math.log2(width * 360 / (512 * spanX)),
                                      Math.log2(height * 360 / (512 * spanY)), maxZoom));
    return Object.assign({}, view, {longitude: lon, latitude: lat,
                                    zoom: Math.round(zoom * 100) / 100});
  }

  function frameHeight(asked) {
    // On a narrow screen (a phone) the map is about as tall as it is wide, so the page around
    // it (search, answer, legend) stays a thumb's scroll away.
    const width = mapEl.clientWidth || window.innerWidth || 900;
    return width < 600 ? Math.round(Math.min(asked, Math.max(320, width * 1.15))) : asked;
  }

  function sameSpec(specs, viewJson, tilesJson, overlayJson) {
    return state.view !== null && viewJson === state.view && tilesJson === state.tilesJson &&
      overlayJson === state.overlayJson && specs.length === state.specs.length &&
      specs.every((e, i) => e === state.specs[i]);
  }

  function render(args) {
    if (typeof args.ack === "number" && args.ack > state.seq) state.seq = args.ack;
    state.rendered = true;
    acknowledge(args.ack);
    if (state.pending && typeof args.ack === "number") resendIfUnacknowledged();
    state.clicks = args.clicks || "objects";
    const height = frameHeight(Number(args.height) || 640);
    if (height !== state.height) {
      state.height = height;
      mapEl.style.height = height + "px";
      post("streamlit:setFrameHeight", {height: height});
    }
    const cache = new Map();
    const specs = (args.layers || []).map((json) => {
      const entry = convert(json);
      cache.set(json, entry);
      return entry;
    });
    const tilesJson = JSON.stringify(args.tiles || null);
    const view = Object.assign({pitch: 0, bearing: 0}, args.view || {});
    const viewJson = JSON.stringify(view);
    const overlayJson = JSON.stringify(args.overlay || {});
    const scope = args.scope === undefined ? null : args.scope;
    if (sameSpec(specs, viewJson, tilesJson, overlayJson) && scope === state.scope) {
      performance.mark("deckmap:unchanged");
      return;                          // a rerun that changed nothing on the map: no redraw
    }
    performance.mark("deckmap:render");
    mapEl.dataset.drawn = "false";
    mapEl.dataset.spec = String(args.name || "");
    state.changed = true;
    state.specs = specs;
    state.cache = cache;
    cache.forEach((_entry, key) => fetched.delete(key));
    if (fetched.size > 500) fetched.clear();
    state.scope = scope;
    state.overlay = args.overlay || {};
    state.overlayJson = overlayJson;
    state.hovered = null;               // the pointer's object belongs to the old spec
    state.tiles = args.tiles || null;
    state.tilesJson = tilesJson;
    attributionEl.textContent = (state.tiles && state.tiles.attribution) || "";
    attributionEl.style.display = attributionEl.textContent ? "block" : "none";
    if (state.selected && (state.selected.id === null ||
        !state.specs.some((e) => e.layer.id === state.selected.layer &&
                                 indexOf(e, state.selected) >= 0))) {
      state.selected = null;            // the picked object is not on this map
    }
    const props = {};
    if (viewJson !== state.view) {     // the page asked for another view: go there
      state.view = viewJson;
      const fitted = fitView(view);
      state.zoom = fitted.zoom;
      state.viewState = fitted;
      mapEl.dataset.zoom = fitted.zoom.toFixed(2);
      props.initialViewState = fitted;
    }
    props.layers = layers();
    state.deck.setProps(props);
    drawOverlay();
    showError("");
  }

  function createDeck() {
    state.deck = new deck.Deck({
      parent: mapEl, width: "100%", height: "100%",
      initialViewState: {longitude: 0, latitude: 0, zoom: 10},
      views: new deck.MapView({repeat: false}),
      controller: {doubleClickZoom: false, dragRotate: false, touchRotate: false},
      eventRecognizerOptions: {click: {time: CLICK_HOLD_MS}},
      layers: [],
      getTooltip: tooltip,
      onClick: select,
      onHover: hover,
      onViewStateChange: ({viewState, interactionState}) => {
        // During a button's transition keep its target, so quick clicks add up.
        if (!(interactionState && interactionState.inTransition)) state.viewState = viewState;
        zoomChanged(viewState.zoom);
        drawScale();
        publishReport();
        return viewState;
      },
      onAfterRender: afterRender,
      onError: (error) => showError("The map could not be drawn: " + error.message),
    });
  }

  function goTo(target) {
    // A new initialViewState object moves the view (deck.gl compares it by value).
    const next = Object.assign({}, target, {transitionDuration: 200});
    state.viewState = next;
    zoomChanged(next.zoom);
    state.deck.setProps({initialViewState: next});
    drawScale();
    publishReport();
  }

  function zoomBy(delta) {
    if (!state.viewState) return;
    const zoom = Math.max(1, Math.min(23, state.viewState.zoom + delta));
    goTo(Object.assign({}, state.viewState, {zoom: zoom}));
  }

  // On-screen zoom (double-click zoom is off: it would delay every click) and back to the
  // view the page asked for.
  document.getElementById("zoom-in").addEventListener("click", () => zoomBy(1));
  document.getElementById("zoom-out").addEventListener("click", () => zoomBy(-1));
  document.getElementById("fit").addEventListener("click", () => {
    if (state.view) goTo(fitView(JSON.parse(state.view)));
  });

  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || data.type !== "streamlit:render") return;
    try {
      onRender(data.args || {});
    } catch (error) {
      showError("The map could not be drawn: " + error.message);
      throw error;
    }
  });
  createDeck();
  post("streamlit:componentReady", {apiVersion: 1});
})();
