/* The shared responder map (served by ui/share_http.py, no Streamlit): draws the layer JSON the
 * server built once for this link (the same pydeck builders as the staff responder map) with the
 * small Canvas 2D map of canvasmap.js (no WebGL: a phone without a GPU draws it at once), a
 * legend, north arrow, scale bar, floor picker, the server's search (pan, zoom, highlight), the
 * live posture / alarm banner and the downloads the link allows.
 *
 * - Every piece of user text goes in through textContent (never markup).
 * - Nothing is fetched from anywhere but this server (a configured tile source excepted).
 * - "Drawn" signal for tests and bench/bench_incident.py: performance mark "share:drawn" and
 *   <html data-map-drawn="1"> two animation frames after the first layers were drawn.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("share-data").textContent);
  const base = location.pathname.replace(/\/+$/, "");
  const $ = (id) => document.getElementById(id);
  const mapEl = $("map");
  const HIGHLIGHT = [200, 0, 200, 255];
  const LIVE_EVERY_MS = 3000;
  const state = {
    campus: null, view: null, map: null, viewState: null, fitted: null, hit: null,
    converted: new Map(), drawnPending: false, drawn: false, refused: false,
  };

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function showError(message) {
    $("error").textContent = message || "";
  }

  // -- layers -------------------------------------------------------------------------------
  function converted(key, list) {
    if (!state.converted.has(key)) {
      state.converted.set(key, (list || []).map(CanvasMap.prepare));
    }
    return state.converted.get(key);
  }

  function highlightLayers() {
    const hit = state.hit;
    if (!hit || !hit.geometry) return [];
    const g = hit.geometry;
    const common = {"@@type": "PolygonLayer", id: "share-highlight", pickable: false};
    if (g.type === "Point") {
      return [CanvasMap.prepare(Object.assign(common, {
        "@@type": "ScatterplotLayer", data: [{position: g.coordinates}],
        getPosition: "@@=position", getRadius: 3, radiusMinPixels: 14, filled: false,
        stroked: true, getLineColor: HIGHLIGHT, lineWidthMinPixels: 4,
      }))];
    }
    if (g.type === "LineString" || g.type === "MultiLineString") {
      const paths = g.type === "LineString" ? [g.coordinates] : g.coordinates;
      return [CanvasMap.prepare(Object.assign(common, {
        "@@type": "PathLayer", data: paths.map((p) => ({path: p})), getPath: "@@=path",
        getColor: HIGHLIGHT, widthMinPixels: 8,
      }))];
    }
    const polys = g.type === "Polygon" ? [g.coordinates] : (g.coordinates || []);
    return [CanvasMap.prepare(Object.assign(common, {
      data: polys.map((p) => ({polygon: p})), getPolygon: "@@=polygon", filled: true,
      getFillColor: [200, 0, 200, 70], stroked: true, getLineColor: HIGHLIGHT,
      lineWidthMinPixels: 4,
    }))];
  }

  function currentLayers() {
    const campus = state.campus, view = state.view;
    if (!campus || !view) return [];
    return [
      ...converted(campus.id + "|base", campus.base_layers),
      ...converted(campus.id + "|" + view.id, view.layers),
      ...highlightLayers(),
    ];
  }

  function redraw() {
    state.drawnPending = true;
    state.map.setLayers(currentLayers());
  }

  function afterRender() {
    if (!state.drawnPending) return;
    state.drawnPending = false;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (state.drawn) return;
      state.drawn = true;
      performance.mark("share:drawn");
      document.documentElement.dataset.mapDrawn = "1";
    }));
  }

  // -- view ---------------------------------------------------------------------------------
  function fitBounds(bounds, pad, maxZoom) {
    const [minx, miny, maxx, maxy] = bounds;
    const width = mapEl.clientWidth || 800, height = mapEl.clientHeight || 600;
    const lon = (minx + maxx) / 2, lat = (miny + maxy) / 2;
    const spanX = Math.max((maxx - minx) * pad, 1e-6);
    const spanY = Math.max((maxy - miny) * pad, 1e-6) / Math.max(Math.cos(lat * Math.PI / 180), 0.01);
    const zoom = Math.max(1, Math.min(Math.log2(width * 360 / (512 * spanX)),
                                      Math.log2(height * 360 / (512 * spanY)), maxZoom));
    return {longitude: lon, latitude: lat, zoom: zoom, pitch: 0, bearing: 0};
  }

  function goTo(target, animate) {
    state.viewState = target;
    state.map.setView(target, animate ? 250 : 0);
    updateScale(target);
  }

  function zoomBy(delta) {
    if (!state.viewState) return;
    const zoom = Math.max(1, Math.min(23, state.viewState.zoom + delta));
    goTo(Object.assign({}, state.viewState, {zoom: zoom}), true);
  }

  function niceLength(value) {
    const exp = Math.pow(10, Math.floor(Math.log10(value)));
    const f = value / exp;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * exp;
  }

  function updateScale(vs) {
    // Ground distance of ~110 px at the view's centre (deck.gl: 512 px world at zoom 0).
    const mPerPx = 2 * Math.PI * 6378137 * Math.cos(vs.latitude * Math.PI / 180) /
      (512 * Math.pow(2, vs.zoom));
    const targetM = mPerPx * 110;
    let length, unit, metres;
    if (data.units === "m") {
      length = niceLength(targetM);
      metres = length;
      unit = length >= 1000 ? (length / 1000) + " km" : length + " m";
    } else {
      const feet = targetM / 0.3048;
      if (feet >= 2640) {
        length = niceLength(feet / 5280); metres = length * 1609.344; unit = length + " mi";
      } else {
        length = niceLength(feet); metres = length * 0.3048; unit = length + " ft";
      }
    }
    $("scale-bar").style.width = Math.round(metres / mPerPx) + "px";
    $("scale-text").textContent = unit;
  }

  function setView(viewId, fit) {
    const campus = state.campus;
    const view = campus.views.find((v) => v.id === viewId) || campus.views[0];
    state.view = view;
    $("view").value = view.id;
    if (state.hit && state.hit.view !== view.id) clearHit();
    $("picked").textContent = "";
    renderLegend(view.legend || []);
    if (fit) {
      state.fitted = fitBounds(view.bounds, 1.15, 20);
      goTo(state.fitted, false);
    }
    redraw();
  }

  function setCampus(campusId) {
    const campus = data.campuses.find((c) => c.id === campusId) || data.campuses[0];
    state.campus = campus;
    $("campus").value = campus.id;
    $("title").textContent = "Responder map: " + campus.name;
    const viewSel = $("view");
    viewSel.replaceChildren(...campus.views.map((v) => {
      const opt = el("option", v.label);
      opt.value = v.id;
      return opt;
    }));
    clearHit();
    $("answers").replaceChildren();
    renderSide(campus);
    setView(campus.views[0].id, true);
  }

  // -- side panel ---------------------------------------------------------------------------
  function renderLegend(entries) {
    const rows = entries.map((e) => {
      const [r, g, b, a] = e.rgba;
      const fill = "rgba(" + r + "," + g + "," + b + "," + (a / 255).toFixed(2) + ")";
      return legendItem(e.label, "sw " + e.kind, fill);
    });
    if (state.campus && state.campus.grid) {
      rows.push(legendItem("Grid cell (A1 = north-west)", "sw", "transparent", "rgb(21,101,192)"));
    }
    rows.push(legendItem("Search result", "sw", "rgba(200,0,200,0.3)", "rgb(200,0,200)"));
    $("legend").replaceChildren(...rows);
  }

  // One legend row: a swatch (its class, fill and, when given, border colour) and its label.
  function legendItem(label, swatchClass, fill, border) {
    const li = el("li");
    const sw = el("span", null, swatchClass);
    sw.style.background = fill;
    if (border) sw.style.borderColor = border;
    li.append(sw, el("span", label));
    return li;
  }

  function renderSide(campus) {
    const grid = campus.grid;
    $("grid-note").textContent = grid
      ? "Grid " + grid.first + " to " + grid.last + ": " + grid.cols + " columns x " + grid.rows +
        " rows of " + grid.cell_ft + " ft (" + grid.cell_m + " m); the same labels on every printout."
      : "";
    $("downloads").replaceChildren(...campus.downloads.map((d) => {
      const a = el("a", d.label);
      a.href = base + "/" + d.href;
      a.setAttribute("download", "");
      const li = el("li");
      li.append(a);
      return li;
    }));
    $("downloads-box").hidden = campus.downloads.length === 0;
    $("verification").replaceChildren(...campus.verification.map(
      (v) => el("li", v.building + ": " + v.stamp)));
  }

  // -- search -------------------------------------------------------------------------------
  function clearHit() {
    state.hit = null;
  }

  function showHit(hit, buttons, index) {
    buttons.forEach((b, i) => b.classList.toggle("current", i === index));
    state.hit = hit;
    if (hit.view !== state.view.id) setView(hit.view, false);
    if (hit.bounds) {
      const [minx, miny, maxx, maxy] = hit.bounds;
      const padM = 0.00025;  // ~25 m around the hit: it stays in its surroundings
      goTo(fitBounds([minx - padM, miny - padM, maxx + padM, maxy + padM], 1.2, 20.5), true);
    }
    redraw();
  }

  async function search(query) {
    const answers = $("answers");
    const q = query.trim();
    if (!q) { answers.replaceChildren(); clearHit(); redraw(); return; }
    const url = base + "/search?campus=" + encodeURIComponent(state.campus.id) +
      "&q=" + encodeURIComponent(q);
    const resp = await fetch(url, {cache: "no-store", credentials: "omit"});
    if (resp.status === 403) { refuse(await resp.text()); return; }
    const hits = resp.ok ? await resp.json() : [];
    if (!hits.length) {
      answers.replaceChildren(el("p", "Nothing on the shared layers matches \u201c" + q + "\u201d."));
      clearHit(); redraw();
      return;
    }
    const buttons = hits.map((h) => el("button", h.sentence));
    buttons.forEach((b, i) => {
      b.type = "button";
      b.addEventListener("click", () => showHit(hits[i], buttons, i));
    });
    answers.replaceChildren(...buttons);
    showHit(hits[0], buttons, 0);
  }

  // -- live banner --------------------------------------------------------------------------
  const POSTURE_WORDS = {
    normal: "Normal", hold: "HOLD", secure: "SECURE", lockdown: "LOCKDOWN",
    evacuate: "EVACUATE", shelter: "SHELTER",
  };

  // Times in the district's time zone (PASSMAP_TIMEZONE, named: "Dec 3, 02:05 AM CST"),
  // not the zone of whatever phone or laptop opened the link.
  function localTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const opts = {hour: "2-digit", minute: "2-digit", month: "short", day: "numeric",
                  timeZoneName: "short"};
    if (data.timezone) opts.timeZone = data.timezone;
    return isNaN(d) ? iso : d.toLocaleString([], opts);
  }

  function renderLive(live) {
    const banner = $("banner");
    const mine = live.campuses.find((c) => state.campus && c.campus_id === state.campus.id) ||
      live.campuses[0];
    if (!mine) return;
    const alarms = mine.alarms || [];
    const urgent = mine.posture !== "normal" || alarms.length > 0;
    banner.classList.toggle("alert", urgent);
    const head = "Posture: " + (POSTURE_WORDS[mine.posture] || mine.posture) +
      (mine.posture !== "normal" && mine.since_utc ? " since " + localTime(mine.since_utc) : "") +
      " \u00b7 " + (alarms.length ? alarms.length + " open alarm" + (alarms.length > 1 ? "s" : "")
                                  : "no open alarms") +
      " \u00b7 updated " + localTime(live.generated_utc);
    const list = el("ul");
    alarms.slice(0, 8).forEach((a) => list.append(el("li",
      a.kind.replace(/_/g, " ") + " (" + a.state + ", " + localTime(a.raised_utc) + ")" +
      (a.where ? ": " + a.where : ""))));
    banner.replaceChildren(el("span", head), ...(alarms.length ? [list] : []));
  }

  async function pollLive() {
    if (state.refused) return;
    try {
      const resp = await fetch(base + "/live.json", {cache: "no-store", credentials: "omit"});
      if (resp.status === 403) { refuse(await resp.text()); return; }
      if (resp.ok) renderLive(await resp.json());
    } catch (e) { /* the next poll tries again */ }
    setTimeout(pollLive, LIVE_EVERY_MS);
  }

  function refuse(html) {
    // The link was revoked or expired while open: the same refusal, and the map goes.
    state.refused = true;
    const doc = new DOMParser().parseFromString(html, "text/html");
    const sentence = (doc.body && doc.body.textContent.trim()) || "This share link is not valid.";
    document.body.replaceChildren(el("p", sentence));
  }

  // -- start --------------------------------------------------------------------------------
  function tooltip(row, at) {
    const tip = $("tooltip");
    const text = row && row.tip ? String(row.tip) : "";
    tip.textContent = text;
    tip.hidden = !text;
    if (text) {
      tip.style.left = Math.round(at[0] + 12) + "px";
      tip.style.top = Math.round(at[1] + 12) + "px";
    }
  }

  // The boxes of what lies over the map (search, answers, the picked tip, zoom buttons, north
  // arrow, scale, attribution, error), in the map's pixels: no label is drawn under them.
  const OVER_MAP = ["search", "answers", "picked", "zoom", "north", "scale", "attribution", "error"];
  function controlBoxes() {
    const origin = mapEl.getBoundingClientRect();
    const boxes = [];
    for (const id of OVER_MAP) {
      const r = $(id).getBoundingClientRect();
      if (!r.width || !r.height) continue;  // not shown (empty or hidden)
      boxes.push({id: id, x0: r.left - origin.left, x1: r.right - origin.left,
                  y0: r.top - origin.top, y1: r.bottom - origin.top});
    }
    return boxes;
  }

  function start() {
    $("shared-with").textContent = "Shared with " + data.agency + " \u00b7 read-only";
    $("expiry").textContent = "This link expires " + localTime(data.expires_utc) + ".";
    if (data.tiles && data.tiles.attribution) $("attribution").textContent = data.tiles.attribution;
    const campusSel = $("campus");
    campusSel.replaceChildren(...data.campuses.map((c) => {
      const opt = el("option", c.name);
      opt.value = c.id;
      return opt;
    }));
    $("campus-pick").classList.toggle("hidden", data.campuses.length < 2);
    state.map = CanvasMap.create(mapEl, {
      onHover: tooltip,
      onClick: (row) => { $("picked").textContent = (row && row.tip) || ""; state.map.redraw(); },
      onViewChange: (vs) => { state.viewState = vs; updateScale(vs); },
      onDraw: afterRender,
      obstacles: controlBoxes,
    });
    window.pmShareLabels = () => state.map.labels();  // the labels drawn (tests)
    window.pmShareView = () => state.map.getView();  // {longitude, latitude, zoom} (tests)
    if (data.tiles && data.tiles.url) state.map.setTiles(data.tiles);
    campusSel.addEventListener("change", () => setCampus(campusSel.value));
    $("view").addEventListener("change", () => setView($("view").value, true));
    $("search").addEventListener("submit", (ev) => { ev.preventDefault(); search($("q").value); });
    $("zoom-in").addEventListener("click", () => zoomBy(1));
    $("zoom-out").addEventListener("click", () => zoomBy(-1));
    $("fit").addEventListener("click", () => state.fitted && goTo(state.fitted, true));
    if (!data.campuses.length) { showError("This link shows no campus any more."); return; }
    setCampus(data.campuses[0].id);
    pollLive();
  }

  try {
    start();
  } catch (error) {
    showError("The map could not be drawn: " + error.message);
    throw error;
  }
})();
