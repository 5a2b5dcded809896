/* PassMap's map: deck.gl layers from pydeck JSON, inside a Streamlit component (v1 protocol,
 * plain script, no build step). Why not st.pydeck_chart: see ui/deckmap/__init__.py.
 *
 * - Layers arrive as one JSON string each; a layer whose string did not change keeps its data
 *   (deck.gl then uploads nothing and a rerun redraws nothing).
 * - A click sends {selection: {indices, objects}} (the shape st.pydeck_chart uses) with the
 *   object's scalar fields only; the picked object is highlighted by a uniform, no re-colouring.
 * - The user's pan and zoom survive reruns: the view is reset only when the page asks for a
 *   different one (another level, a search hit).
 * - Layers may carry minZoom / maxZoom (level of detail): drawn only inside that zoom range.
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
  const converter = new deck.JSONConverter({
    configuration: new deck.JSONConfiguration({classes: deck}),
  });
  const HIGHLIGHT = [255, 0, 255, 150];
  const CLICK_HOLD_MS = 10000;       // deck.gl's default is 250 ms (see the header)
  const state = {
    deck: null, cache: new Map(), specs: [], zoom: null, height: 0, view: null, tilesJson: null,
    selected: null, tiles: null, warmed: false, changed: false, viewState: null,
  };

  function post(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.style.display = message ? "block" : "none";
  }

  function convert(json) {
    const cached = state.cache.get(json);
    if (cached) return cached;
    const raw = JSON.parse(json);
    const entry = {
      layer: converter.convert({layers: [raw]}).layers[0],
      minZoom: typeof raw.minZoom === "number" ? raw.minZoom : -Infinity,
      maxZoom: typeof raw.maxZoom === "number" ? raw.maxZoom : Infinity,
    };
    return entry;
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

  function layers() {
    const out = basemap();
    for (const entry of state.specs) {
      const props = {visible: visibleAt(entry, state.zoom)};
      if (state.selected && entry.layer.id === state.selected.layer) {
        props.highlightedObjectIndex = state.selected.index;
        props.highlightColor = HIGHLIGHT;
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

  function select(info) {
    if (info && info.object && info.layer) {
      const id = info.layer.id;
      state.selected = {layer: id, index: info.index};
      state.deck.setProps({layers: layers()});
      const selection = {indices: {[id]: [info.index]}, objects: {[id]: [scalars(info.object)]}};
      post("streamlit:setComponentValue", {value: {selection: selection}, dataType: "json"});
    } else if (state.selected) {
      state.selected = null;
      state.deck.setProps({layers: layers()});
      post("streamlit:setComponentValue",
           {value: {selection: {indices: {}, objects: {}}}, dataType: "json"});
    }
  }

  function tooltip(info) {
    const tip = info && info.object && info.object.tip;
    if (!tip) return null;
    return {text: String(tip), className: "deck-tooltip", style: {
      fontSize: "13px", maxWidth: "320px", whiteSpace: "pre-line", padding: "6px 8px",
      background: "rgba(38, 39, 48, 0.92)", color: "#fff", borderRadius: "4px"}};
  }

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
    const zoom = Math.max(1, Math.min(Math.log2(width * 360 / (512 * spanX)),
                                      Math.log2(height * 360 / (512 * spanY)), 21.5));
    return Object.assign({}, view, {longitude: lon, latitude: lat,
                                    zoom: Math.round(zoom * 100) / 100});
  }

  function render(args) {
    const height = Number(args.height) || 640;
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
    if (state.view !== null && viewJson === state.view && tilesJson === state.tilesJson &&
        specs.length === state.specs.length && specs.every((e, i) => e === state.specs[i])) {
      performance.mark("deckmap:unchanged");
      return;                          // a rerun that changed nothing on the map: no redraw
    }
    performance.mark("deckmap:render");
    state.changed = true;
    state.specs = specs;
    state.cache = cache;
    state.tiles = args.tiles || null;
    state.tilesJson = tilesJson;
    attributionEl.textContent = (state.tiles && state.tiles.attribution) || "";
    attributionEl.style.display = attributionEl.textContent ? "block" : "none";
    if (state.selected && !state.specs.some((e) => e.layer.id === state.selected.layer)) {
      state.selected = null;
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
      onViewStateChange: ({viewState, interactionState}) => {
        // During a button's transition keep its target, so quick clicks add up.
        if (!(interactionState && interactionState.inTransition)) state.viewState = viewState;
        zoomChanged(viewState.zoom);
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
      render(data.args || {});
    } catch (error) {
      showError("The map could not be drawn: " + error.message);
      throw error;
    }
  });
  createDeck();
  post("streamlit:componentReady", {apiVersion: 1});
})();
