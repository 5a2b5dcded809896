/* A small Canvas 2D map for the shared responder map (ui/share_page/viewer.js), written for it
 * and kept here (no library): it draws the SAME layer JSON the server builds for the staff map
 * (pydeck: PolygonLayer, PathLayer, ScatterplotLayer, TextLayer, with "@@=field" accessors) in
 * Web Mercator, with deck.gl's conventions (512 px world at zoom 0, widths in metres clamped to
 * the layer's min/max pixels), so the view, the scale bar and the search's fit are unchanged.
 *
 * Why not deck.gl here: on a phone or a laptop without a GPU, deck.gl's first frame is WebGL
 * shader compilation in software (SwiftShader: ~1.7 s of 2.5 s to the first drawn map on a
 * quiet 2-core machine, plus 0.35 s to evaluate its 1.6 MB), and the share view draws a few
 * hundred flat shapes that Canvas 2D draws in milliseconds (bench/RESULTS.md, issue 18).
 *
 *   const map = CanvasMap.create(parentElement, {onHover, onClick, onViewChange, onDraw,
 *                                                obstacles});  // obstacles(): the boxes (in
 *                                   // the map's pixels) of controls over it: no label under them
 *   map.setLayers([...layer JSON...]); map.setView({longitude, latitude, zoom}, animateMs);
 *   map.setTiles({url}) (optional raster basemap, {z}/{x}/{y}); map.pick(x, y) -> row or null
 *
 * Every text is drawn with fillText (never markup); tooltips are set as textContent by the caller.
 */
(function (global) {
  "use strict";

  const WORLD = 512;  // deck.gl: the world is 512 px wide at zoom 0
  const EARTH_M = 2 * Math.PI * 6378137;
  const MIN_ZOOM = 1, MAX_ZOOM = 23;
  const FONT = '"DejaVu Sans", Arial, sans-serif';

  function project(lon, lat) {
    const s = Math.sin(Math.max(-85.05, Math.min(85.05, lat)) * Math.PI / 180);
    return [(lon + 180) / 360 * WORLD, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD];
  }

  function unproject(x, y) {
    const lon = x / WORLD * 360 - 180;
    const n = Math.PI - 2 * Math.PI * y / WORLD;
    return [lon, 180 / Math.PI * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n)))];
  }

  function metresPerPixel(latitude, zoom) {
    return EARTH_M * Math.cos(latitude * Math.PI / 180) / (WORLD * Math.pow(2, zoom));
  }

  function rgba(c, fallback) {
    const v = Array.isArray(c) ? c : fallback;
    if (!v) return null;
    const a = v.length > 3 ? v[3] / 255 : 1;
    return "rgba(" + v[0] + "," + v[1] + "," + v[2] + "," + a.toFixed(3) + ")";
  }

  // A pydeck accessor: "@@=field" reads the row's field, anything else is a constant.
  function accessor(spec, fallback) {
    if (typeof spec === "string" && spec.startsWith("@@=")) {
      const key = spec.slice(3);
      return (row) => (row[key] === undefined ? fallback : row[key]);
    }
    const value = spec === undefined ? fallback : spec;
    return () => value;
  }

  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));

  function projectLine(coords) {
    const out = new Float64Array(coords.length * 2);
    coords.forEach((p, i) => {
      const xy = project(p[0], p[1]);
      out[2 * i] = xy[0];
      out[2 * i + 1] = xy[1];
    });
    return out;
  }

  function ringsOf(polygon) {  // one ring or [outer, holes...]
    if (!Array.isArray(polygon) || !polygon.length) return [];
    return typeof polygon[0][0] === "number" ? [polygon] : polygon;
  }

  // -- layers: projected once, drawn per frame ---------------------------------------------
  function prepare(spec) {
    const type = spec["@@type"];
    const rows = Array.isArray(spec.data) ? spec.data : [];
    const common = {id: spec.id || type, pickable: !!spec.pickable, rows: rows};
    if (type === "PolygonLayer") {
      const poly = accessor(spec.getPolygon, null);
      const fill = accessor(spec.getFillColor, [0, 0, 0, 255]);
      const line = accessor(spec.getLineColor, [0, 0, 0, 255]);
      return Object.assign(common, {
        kind: "polygon",
        shapes: rows.map((r) => ringsOf(poly(r)).map(projectLine)),
        fills: rows.map((r) => rgba(fill(r))),
        lines: rows.map((r) => rgba(line(r))),
        filled: spec.filled !== false,
        stroked: spec.stroked !== false,
        lineWidth: {m: spec.getLineWidth || 1, min: spec.lineWidthMinPixels || 0,
                    max: spec.lineWidthMaxPixels || Infinity},
      });
    }
    if (type === "PathLayer") {
      const path = accessor(spec.getPath, null);
      const colour = accessor(spec.getColor, [0, 0, 0, 255]);
      return Object.assign(common, {
        kind: "path",
        shapes: rows.map((r) => projectLine(path(r) || [])),
        colours: rows.map((r) => rgba(colour(r))),
        width: {m: typeof spec.getWidth === "number" ? spec.getWidth : 1,
                min: spec.widthMinPixels || 0, max: spec.widthMaxPixels || Infinity},
      });
    }
    if (type === "ScatterplotLayer") {
      const pos = accessor(spec.getPosition, [0, 0]);
      const fill = accessor(spec.getFillColor, [0, 0, 0, 255]);
      const line = accessor(spec.getLineColor, [0, 0, 0, 255]);
      return Object.assign(common, {
        kind: "point",
        shapes: rows.map((r) => { const p = pos(r); return project(p[0], p[1]); }),
        fills: rows.map((r) => rgba(fill(r))),
        lines: rows.map((r) => rgba(line(r))),
        filled: spec.filled !== false,
        stroked: !!spec.stroked,
        radius: {m: typeof spec.getRadius === "number" ? spec.getRadius : 1,
                 min: spec.radiusMinPixels || 0, max: spec.radiusMaxPixels || Infinity},
        lineWidth: {m: 1, min: spec.lineWidthMinPixels || 0, max: spec.lineWidthMaxPixels || Infinity},
      });
    }
    if (type === "TextLayer") {
      const pos = accessor(spec.getPosition, [0, 0]);
      const text = accessor(spec.getText, "");
      const colour = accessor(spec.getColor, [0, 0, 0, 255]);
      const size = accessor(spec.getSize, 32);
      return Object.assign(common, {
        kind: "text",
        shapes: rows.map((r) => { const p = pos(r); return project(p[0], p[1]); }),
        texts: rows.map((r) => String(text(r))),
        colours: rows.map((r) => rgba(colour(r))),
        sizes: rows.map((r) => size(r)),
        // a label that names an area (a grid cell: row.cell = [west, south, east, north]) may
        // move inside it to stay whole and clear of others; any other label stays on its point
        cells: rows.map((r) => (Array.isArray(r.cell) && r.cell.length === 4
          ? [project(r.cell[0], r.cell[3]), project(r.cell[2], r.cell[1])] : null)),
        background: spec.background ? rgba(spec.getBackgroundColor, [255, 255, 255, 255]) : null,
        widths: new Map(),
      });
    }
    return Object.assign(common, {kind: "none", shapes: []});  // unknown: drawn as nothing
  }

  function pixels(spec, mPerPx) {
    return clamp(spec.m / mPerPx, spec.min, spec.max);
  }

  // -- the map ------------------------------------------------------------------------------
  function create(parent, hooks) {
    hooks = hooks || {};
    const canvas = document.createElement("canvas");
    canvas.className = "cmap";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Map");
    parent.append(canvas);
    const ctx = canvas.getContext("2d");
    const state = {
      layers: [], view: {longitude: 0, latitude: 0, zoom: 2}, w: 0, h: 0, dpr: 1,
      frame: 0, anim: null, tiles: null, images: new Map(),
    };

    function size() {
      const dpr = Math.min(global.devicePixelRatio || 1, 3);
      const w = parent.clientWidth || 300, h = parent.clientHeight || 300;
      if (w === state.w && h === state.h && dpr === state.dpr) return;
      state.w = w; state.h = h; state.dpr = dpr;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }

    function frameOf(view) {
      const c = project(view.longitude, view.latitude);
      const k = Math.pow(2, view.zoom);
      return {cx: c[0], cy: c[1], k: k, w: state.w, h: state.h,
              mPerPx: metresPerPixel(view.latitude, view.zoom)};
    }

    const sx = (f, x) => (x - f.cx) * f.k + f.w / 2;
    const sy = (f, y) => (y - f.cy) * f.k + f.h / 2;

    function tracePath(f, pts, close) {
      for (let i = 0; i < pts.length; i += 2) {
        const x = sx(f, pts[i]), y = sy(f, pts[i + 1]);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      if (close) ctx.closePath();
    }

    function drawPolygons(f, L) {
      const lw = pixels(L.lineWidth, f.mPerPx);
      L.shapes.forEach((rings, i) => {
        if (!rings.length) return;
        ctx.beginPath();
        rings.forEach((r) => tracePath(f, r, true));
        if (L.filled && L.fills[i]) { ctx.fillStyle = L.fills[i]; ctx.fill("evenodd"); }
        if (L.stroked && L.lines[i] && lw > 0) {
          ctx.lineWidth = lw; ctx.strokeStyle = L.lines[i]; ctx.stroke();
        }
      });
    }

    function drawPaths(f, L) {
      ctx.lineWidth = pixels(L.width, f.mPerPx);
      L.shapes.forEach((pts, i) => {
        if (pts.length < 4 || !L.colours[i]) return;
        ctx.beginPath();
        tracePath(f, pts, false);
        ctx.strokeStyle = L.colours[i];
        ctx.stroke();
      });
    }

    function drawPoints(f, L) {
      const r = pixels(L.radius, f.mPerPx);
      const lw = L.stroked ? pixels(L.lineWidth, f.mPerPx) : 0;
      L.shapes.forEach((p, i) => {
        const x = sx(f, p[0]), y = sy(f, p[1]);
        if (x < -r || y < -r || x > f.w + r || y > f.h + r) return;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);  // deck.gl: the outline is centred on the radius
        if (L.filled && L.fills[i]) { ctx.fillStyle = L.fills[i]; ctx.fill(); }
        if (lw > 0 && L.lines[i]) { ctx.lineWidth = lw; ctx.strokeStyle = L.lines[i]; ctx.stroke(); }
      });
    }

    // Labels never cover each other (issue 16): before a frame is drawn, every text of every
    // text layer is given a place by priority, topmost layer first and, in a layer, in row
    // order (the server lists exits before room numbers); a text whose box would touch one
    // already placed is left out of this frame and appears as the user zooms in. What was
    // drawn is kept in state.labels (screen boxes) for tests: map.labels().
    function textBox(f, L, i, free) {
      const p = L.shapes[i], text = L.texts[i], size = L.sizes[i];
      const x = sx(f, p[0]), y = sy(f, p[1]);
      const cell = L.cells[i] && {x0: sx(f, L.cells[i][0][0]), y0: sy(f, L.cells[i][0][1]),
                                  x1: sx(f, L.cells[i][1][0]), y1: sy(f, L.cells[i][1][1])};
      if (!text) return null;
      if (cell ? cell.x1 < 0 || cell.x0 > f.w || cell.y1 < 0 || cell.y0 > f.h
          : x < -200 || y < -50 || x > f.w + 200 || y > f.h + 50) {
        return null;  // far off-screen: not even measured
      }
      const key = size + "|" + text;
      let tw = L.widths.get(key);
      if (tw === undefined) {
        ctx.font = size + "px " + FONT;
        tw = ctx.measureText(text).width;
        L.widths.set(key, tw);
      }
      const pad = L.background ? 2 : 0;
      const hw = tw / 2 + pad, hh = size * 0.6;
      const box = (cx, cy) => ({x: cx, y: cy, x0: cx - hw, x1: cx + hw, y0: cy - hh, y1: cy + hh,
                                w: tw, text: text});
      // Whole or not at all: a label cut by the map's edge reads as another name ("A10" as
      // "10", "J1" as "1"), which on a responder's grid sends them to the wrong cell; one under
      // a map control (the zoom buttons, the search box) is as good as cut.
      if (!cell) {
        const b = box(x, y);
        if (b.x0 < 0 || b.y0 < 0 || b.x1 > f.w || b.y1 > f.h || !free(b)) return null;
        return b;
      }
      // A cell's label: where its centre falls inside the part of the cell on screen, else as
      // close to it as that part allows, else along that part's sides and corners (clear of
      // the controls and of labels placed before it); never outside its cell.
      const left = Math.max(cell.x0, 0) + hw, right = Math.min(cell.x1, f.w) - hw;
      const top = Math.max(cell.y0, 0) + hh, bottom = Math.min(cell.y1, f.h) - hh;
      if (left > right || top > bottom) return null;  // too little of the cell is on screen
      const cx = clamp(x, left, right), cy = clamp(y, top, bottom);
      const tries = [[cx, cy], [left, cy], [right, cy], [cx, top], [cx, bottom],
                     [left, top], [right, top], [left, bottom], [right, bottom]];
      for (const t of tries) {
        const b = box(t[0], t[1]);
        if (free(b)) return b;
      }
      return null;
    }

    function placeLabels(f) {
      const placed = [];
      const blocked = hooks.obstacles ? hooks.obstacles() : [];  // the map's controls
      const clear = (b, list) => !list.some(
        (o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1);
      const free = (b) => clear(b, blocked) && clear(b, placed);
      for (let j = state.layers.length - 1; j >= 0; j--) {
        const L = state.layers[j];
        if (L.kind !== "text") continue;
        L.keep = L.shapes.map((_, i) => {
          const b = textBox(f, L, i, free);
          if (!b) return null;
          b.layer = L.id;
          placed.push(b);
          return b;
        });
      }
      state.labels = placed;
    }

    function drawTexts(f, L) {
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      let font = null;
      (L.keep || []).forEach((b, i) => {
        if (!b) return;
        const size = L.sizes[i];
        const want = size + "px " + FONT;
        if (font !== want) { ctx.font = font = want; }
        if (L.background) {
          ctx.fillStyle = L.background;
          ctx.fillRect(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
        }
        ctx.fillStyle = L.colours[i];
        ctx.fillText(b.text, b.x, b.y);
      });
    }

    function drawTiles(f) {
      const t = state.tiles;
      if (!t || !t.url) return;
      const tz = clamp(Math.round(state.view.zoom + 1), 0, 19);  // 256 px tiles
      const n = Math.pow(2, tz), span = WORLD / n;  // one tile in zoom-0 world units
      const tilePx = span * f.k;
      const left = (f.cx - f.w / 2 / f.k) / span, top = (f.cy - f.h / 2 / f.k) / span;
      const right = (f.cx + f.w / 2 / f.k) / span, bottom = (f.cy + f.h / 2 / f.k) / span;
      for (let ty = Math.max(0, Math.floor(top)); ty <= Math.min(n - 1, Math.floor(bottom)); ty++) {
        for (let tx = Math.max(0, Math.floor(left)); tx <= Math.min(n - 1, Math.floor(right)); tx++) {
          const url = t.url.replace("{z}", tz).replace("{x}", tx).replace("{y}", ty);
          let img = state.images.get(url);
          if (!img) {
            img = new Image();
            img.onload = () => redraw();
            img.src = url;
            state.images.set(url, img);
            if (state.images.size > 300) state.images.delete(state.images.keys().next().value);
          }
          if (img.complete && img.naturalWidth) {
            const x = sx(f, tx * span), y = sy(f, ty * span);
            ctx.drawImage(img, x, y, tilePx + 0.5, tilePx + 0.5);
          }
        }
      }
    }

    function draw() {
      state.frame = 0;
      size();
      const f = frameOf(state.view);
      ctx.setTransform(state.dpr, 0, 0, state.dpr, 0, 0);
      ctx.clearRect(0, 0, state.w, state.h);
      ctx.lineJoin = "miter";
      ctx.lineCap = "butt";
      drawTiles(f);
      placeLabels(f);
      // Shapes in layer order, then every label above every shape: a grid cell's name placed
      // inside a parking lot or a track stays readable, not painted over by the lot's outline.
      for (const L of state.layers) {
        if (L.kind === "polygon") drawPolygons(f, L);
        else if (L.kind === "path") drawPaths(f, L);
        else if (L.kind === "point") drawPoints(f, L);
      }
      for (const L of state.layers) if (L.kind === "text") drawTexts(f, L);
      if (hooks.onDraw) hooks.onDraw();
    }

    function redraw() {
      if (!state.frame) state.frame = requestAnimationFrame(draw);
    }

    // -- picking (the topmost object under a screen point) ----------------------------------
    function distToSegment(px, py, ax, ay, bx, by) {
      const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      const t = len ? clamp(((px - ax) * dx + (py - ay) * dy) / len, 0, 1) : 0;
      return Math.hypot(px - ax - t * dx, py - ay - t * dy);
    }

    function inRings(x, y, rings) {
      let inside = false;
      for (const r of rings) {
        for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
          const yi = r[i + 1], yj = r[j + 1];
          if ((yi > y) !== (yj > y) && x < (r[j] - r[i]) * (y - yi) / (yj - yi) + r[i]) {
            inside = !inside;
          }
        }
      }
      return inside;
    }

    function pick(px, py) {
      const f = frameOf(state.view);
      const wx = (px - f.w / 2) / f.k + f.cx, wy = (py - f.h / 2) / f.k + f.cy;
      for (let li = state.layers.length - 1; li >= 0; li--) {
        const L = state.layers[li];
        if (!L.pickable) continue;
        for (let i = L.shapes.length - 1; i >= 0; i--) {
          const s = L.shapes[i];
          if (L.kind === "point") {
            const r = pixels(L.radius, f.mPerPx) + pixels(L.lineWidth, f.mPerPx) / 2 + 2;
            if (Math.hypot(sx(f, s[0]) - px, sy(f, s[1]) - py) <= r) return L.rows[i];
          } else if (L.kind === "path") {
            const half = Math.max(pixels(L.width, f.mPerPx) / 2, 3);
            for (let k = 0; k + 3 < s.length; k += 2) {
              if (distToSegment(px, py, sx(f, s[k]), sy(f, s[k + 1]), sx(f, s[k + 2]),
                                sy(f, s[k + 3])) <= half) return L.rows[i];
            }
          } else if (L.kind === "polygon" && inRings(wx, wy, s)) {
            return L.rows[i];
          }
        }
      }
      return null;
    }

    // -- view and gestures ------------------------------------------------------------------
    function setView(view, animateMs) {
      if (state.anim) { cancelAnimationFrame(state.anim); state.anim = null; }
      const target = {longitude: view.longitude, latitude: view.latitude,
                      zoom: clamp(view.zoom, MIN_ZOOM, MAX_ZOOM)};
      if (!animateMs) { state.view = target; changed(); return; }
      const from = state.view, a = project(from.longitude, from.latitude);
      const b = project(target.longitude, target.latitude), t0 = performance.now();
      const step = (now) => {
        const t = Math.min(1, (now - t0) / animateMs), e = t * (2 - t);
        const ll = unproject(a[0] + (b[0] - a[0]) * e, a[1] + (b[1] - a[1]) * e);
        state.view = {longitude: ll[0], latitude: ll[1], zoom: from.zoom + (target.zoom - from.zoom) * e};
        changed();
        state.anim = t < 1 ? requestAnimationFrame(step) : null;
      };
      state.anim = requestAnimationFrame(step);
    }

    function changed() {
      if (hooks.onViewChange) hooks.onViewChange(Object.assign({}, state.view));
      redraw();
    }

    function zoomAround(px, py, zoom) {  // keep the ground under (px, py) in place
      const f = frameOf(state.view);
      const wx = (px - f.w / 2) / f.k + f.cx, wy = (py - f.h / 2) / f.k + f.cy;
      const z = clamp(zoom, MIN_ZOOM, MAX_ZOOM), k = Math.pow(2, z);
      const ll = unproject(wx - (px - f.w / 2) / k, wy - (py - f.h / 2) / k);
      state.view = {longitude: ll[0], latitude: ll[1], zoom: z};
      changed();
    }

    function panBy(dx, dy) {
      const f = frameOf(state.view);
      const ll = unproject(f.cx - dx / f.k, f.cy - dy / f.k);
      state.view = Object.assign({}, state.view, {longitude: ll[0], latitude: ll[1]});
      changed();
    }

    const pointers = new Map();
    let gesture = null;
    const local = (ev) => {
      const r = canvas.getBoundingClientRect();
      return [ev.clientX - r.left, ev.clientY - r.top];
    };

    canvas.addEventListener("pointerdown", (ev) => {
      if (state.anim) { cancelAnimationFrame(state.anim); state.anim = null; }
      canvas.setPointerCapture(ev.pointerId);
      pointers.set(ev.pointerId, local(ev));
      const pts = [...pointers.values()];
      gesture = pts.length === 1
        ? {start: pts[0], moved: false}
        : {pinch: Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1]) || 1,
           zoom: state.view.zoom, moved: true};
      if (hooks.onHover) hooks.onHover(null);
    });
    canvas.addEventListener("pointermove", (ev) => {
      const p = local(ev);
      if (!pointers.has(ev.pointerId)) {
        if (ev.pointerType === "mouse" && hooks.onHover) hooks.onHover(pick(p[0], p[1]), p);
        return;
      }
      const last = pointers.get(ev.pointerId);
      pointers.set(ev.pointerId, p);
      if (pointers.size === 1 && gesture && !gesture.pinch) {
        if (Math.hypot(p[0] - gesture.start[0], p[1] - gesture.start[1]) > 4) gesture.moved = true;
        if (gesture.moved) panBy(p[0] - last[0], p[1] - last[1]);
      } else if (pointers.size === 2 && gesture && gesture.pinch) {
        const pts = [...pointers.values()];
        const d = Math.hypot(pts[0][0] - pts[1][0], pts[0][1] - pts[1][1]) || 1;
        const mid = [(pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2];
        zoomAround(mid[0], mid[1], gesture.zoom + Math.log2(d / gesture.pinch));
      }
    });
    const release = (ev) => {
      const p = local(ev);
      const tap = pointers.size === 1 && gesture && !gesture.moved && ev.type === "pointerup";
      pointers.delete(ev.pointerId);
      if (tap && hooks.onClick) hooks.onClick(pick(p[0], p[1]), p);
      gesture = pointers.size ? {start: [...pointers.values()][0], moved: true} : null;
    };
    canvas.addEventListener("pointerup", release);
    canvas.addEventListener("pointercancel", release);
    canvas.addEventListener("pointerleave", () => hooks.onHover && hooks.onHover(null));
    canvas.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const p = local(ev);
      const delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
      zoomAround(p[0], p[1], state.view.zoom - clamp(delta, -200, 200) / 250);
    }, {passive: false});

    if (global.ResizeObserver) new ResizeObserver(() => { size(); changed(); }).observe(parent);
    size();

    return {
      canvas: canvas,
      setLayers(specs) { state.layers = specs; redraw(); },
      setView: setView,
      getView: () => Object.assign({}, state.view),
      setTiles(tiles) { state.tiles = tiles; redraw(); },
      pick: pick,
      redraw: redraw,
      labels: () => (state.labels || []).map((b) => ({
        layer: b.layer, text: b.text, x0: b.x0, x1: b.x1, y0: b.y0, y1: b.y1})),
    };
  }

  global.CanvasMap = {create: create, prepare: prepare, project: project, unproject: unproject,
                      metresPerPixel: metresPerPixel};
})(window);
