/* frontlines analyst page.
 *
 * Everything that comes from the API (article text, comments, actor and place names, even the
 * basemap's names) is treated as hostile: the DOM is built with createElement/textContent only,
 * Leaflet tooltips get DOM nodes (never HTML strings), and nothing is evaluated.
 */
(function () {
  'use strict';

  const DAY_MS = 86400000;
  const RECENT_DAYS = 30;          // event markers older than this (before the timeline date) are faded
  const LIST_LIMIT = 500;          // the list shows at most this many rows
  const CORRECTABLE = ['event_date', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'location', 'admin1',
    'fatalities', 'notes'];
  const EVENT_FIELDS = ['event_id', 'event_date', 'time_precision', 'event_type', 'sub_event_type', 'actor1',
    'assoc_actor_1', 'actor2', 'assoc_actor_2', 'interaction', 'civilian_targeting', 'location', 'admin1', 'admin2',
    'country', 'latitude', 'longitude', 'geo_precision', 'place_id', 'fatalities', 'confidence', 'source',
    'source_scale', 'notes', 'territorial', 'merged_from', 'merge_reason'];
  const TYPE_COLORS = {
    'Battles': '#c0392b',
    'Explosions/Remote violence': '#e67e22',
    'Violence against civilians': '#8e44ad',
    'Protests': '#2471a3',
    'Riots': '#138d75',
    'Strategic developments': '#5d6d7e',
  };
  const LABEL_MIN_ZOOM = 5.5;      // place names are drawn from this zoom on (and never over each other)
  const STORE_TOKEN = 'frontlines.token';
  const STORE_REVIEWER = 'frontlines.reviewer';

  const state = {
    events: [],            // as served by /api/events (reviews applied)
    byId: new Map(),
    minDay: null,
    maxDay: null,
    eventDays: [],         // sorted distinct day numbers that have events
    day: null,             // the timeline's day number
    selectedId: null,
    markers: new Map(),    // event_id -> circle marker
    controlRows: [],       // /api/control on the timeline date
    controlSeq: 0,
    viewSeq: 0,
    docs: new Map(),       // doc_id -> Promise<document>
    panel: null,           // {kind, id, refs}
  };

  // ---- small helpers -------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);

  /** createElement with a few safe conveniences; string children become text nodes. */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = String(value);
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function parseDay(s) {
    if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
    const t = Date.parse(s + 'T00:00:00Z');
    return Number.isNaN(t) ? null : Math.round(t / DAY_MS);
  }
  function fmtDay(n) { return new Date(n * DAY_MS).toISOString().slice(0, 10); }

  function hashString(s) {        // FNV-1a over code points
    let x = 2166136261;
    for (const ch of s) { x ^= ch.codePointAt(0); x = Math.imul(x, 16777619); }
    return x >>> 0;
  }
  /** A stable color for a holder name: the hue comes from the name's hash. */
  function holderColor(name) {
    const x = hashString(String(name || 'unknown').trim().toLowerCase());
    const hue = Math.round(((x % 3600) / 3600) * 360);
    const light = (x >>> 12) & 1 ? 36 : 46;
    return `hsl(${hue}, 72%, ${light}%)`;
  }
  function typeColor(type) { return TYPE_COLORS[type] || '#6b7280'; }

  function show(value) {
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return value.map(show).join(', ');
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  let statusTimer = null;
  function status(text, isError) {
    const node = $('status');
    node.textContent = text || '';
    node.classList.toggle('error', !!isError);
    clearTimeout(statusTimer);
    if (text && !isError) statusTimer = setTimeout(() => { node.textContent = ''; }, 3000);
  }

  async function errorFrom(res) {
    let detail = '';
    try {
      const body = await res.json();
      if (typeof body.detail === 'string') detail = body.detail;
      else if (Array.isArray(body.detail)) {
        detail = body.detail.map((d) => [show(d.loc && d.loc.slice(-1)), show(d.msg)].filter(Boolean).join(': ')).join('; ');
      } else detail = show(body.detail || body);
    } catch (_) { detail = res.statusText; }
    return new Error(`${res.status}${detail ? ' — ' + detail : ''}`);
  }

  async function api(path, options) {
    const res = await fetch(path, Object.assign({ headers: { Accept: 'application/json' } }, options || {}));
    if (!res.ok) throw await errorFrom(res);
    return res.json();
  }

  // every page of a list endpoint (limit/page, total in X-Total-Count)
  async function apiAll(path, limit = 5000) {
    const out = [];
    for (let page = 1; ; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const res = await fetch(`${path}${sep}limit=${limit}&page=${page}`, { headers: { Accept: 'application/json' } });
      if (!res.ok) throw await errorFrom(res);
      const rows = await res.json();
      out.push(...rows);
      const total = Number(res.headers.get('X-Total-Count'));
      if (!rows.length || !(out.length < total)) return out;
    }
  }

  function documentFor(docId) {
    if (!state.docs.has(docId)) {
      const p = api('/api/documents/' + encodeURIComponent(docId));
      p.catch(() => state.docs.delete(docId));
      state.docs.set(docId, p);
    }
    return state.docs.get(docId);
  }

  /** A tooltip body as DOM: a bold first line, then plain lines. */
  function tip(title, ...lines) {
    return h('div', null, h('div', { class: 'tip-title', text: title }), lines.filter(Boolean).map((l) => h('div', { text: l })));
  }

  // ---- map -----------------------------------------------------------------------------------
  let map, eventLayer, controlLayer, areaLayer, labelLayer, legend;

  function initMap() {
    map = L.map('map', { zoomSnap: 0.25, minZoom: 4, maxZoom: 14, worldCopyJump: false });
    map.attributionControl.setPrefix('Leaflet');
    map.attributionControl.addAttribution('Outlines: Natural Earth');
    map.createPane('basemap').classList.add('pane-basemap');
    map.getPane('basemap').style.zIndex = '350';
    map.createPane('areas');
    map.getPane('areas').style.zIndex = '400';
    map.createPane('control');
    map.getPane('control').style.zIndex = '420';
    map.createPane('events');
    map.getPane('events').style.zIndex = '430';
    map.createPane('labels').classList.add('pane-labels');
    map.getPane('labels').style.zIndex = '440';
    map.fitBounds([[32.3, 35.6], [37.4, 42.4]]);
    areaLayer = L.layerGroup().addTo(map);
    controlLayer = L.layerGroup().addTo(map);
    eventLayer = L.layerGroup().addTo(map);
    labelLayer = L.layerGroup().addTo(map);
    map.on('zoomend moveend', declutterLabels);
    legend = L.control({ position: 'bottomright' });
    legend.onAdd = () => {
      const node = h('div', { class: 'legend', id: 'legend' });
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    };
    legend.addTo(map);
  }

  function drawBasemap(geojson) {
    const layer = L.geoJSON(geojson, {
      pane: 'basemap',
      style: (f) => (f.properties && f.properties.level === 'country')
        ? { color: '#3b4252', weight: 2, fill: false, interactive: false }
        : { color: '#8a94a6', weight: 1, fillColor: '#fbfaf5', fillOpacity: 1, className: 'governorate' },
      onEachFeature: (f, lyr) => {
        const name = f.properties && f.properties.name;
        if (name && f.properties.level !== 'country') lyr.bindTooltip(tip(String(name)), { sticky: true, className: 'tip' });
      },
    }).addTo(map);
    return layer.getBounds();
  }

  /** Other countries' first-level divisions (only those with events, from /api/outlines). */
  function drawOutlines(fc) {
    const feats = (fc && Array.isArray(fc.features)) ? fc.features : [];
    if (!feats.length) return;
    L.geoJSON({ type: 'FeatureCollection', features: feats }, {
      pane: 'basemap',
      style: (f) => ({ color: '#8a94a6', weight: 1, fillColor: '#fbfaf5', fillOpacity: 1,
        className: `admin1-outline cc-${String((f.properties && f.properties.country_code) || 'xx').replace(/[^A-Za-z]/g, '')}` }),
      onEachFeature: (f, lyr) => {
        const name = f.properties && f.properties.name;
        if (name) lyr.bindTooltip(tip(String(name), show(f.properties.country_code)), { sticky: true, className: 'tip' });
      },
    }).addTo(map);
    document.body.dataset.outlines = (Array.isArray(fc.countries) ? fc.countries : []).map(show).join(' ');
  }

  /** Syria's outline when most mapped events are in it, otherwise the events themselves. */
  function fitView(basemapBounds) {
    const points = state.events.filter((e) => Number.isFinite(Number(e.latitude)) && Number.isFinite(Number(e.longitude))
      && e.latitude !== null && e.longitude !== null).map((e) => L.latLng(Number(e.latitude), Number(e.longitude)));
    const base = basemapBounds && basemapBounds.isValid() ? basemapBounds : null;
    const inside = base ? points.filter((p) => base.contains(p)).length : 0;
    if (base && (!points.length || inside * 2 >= points.length)) map.fitBounds(base, { padding: [12, 12] });
    else if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 8 });
  }

  function eventStyle(ev, day) {
    const selected = ev.event_id === state.selectedId;
    const evDay = parseDay(ev.event_date);
    const faded = evDay !== null && day !== null && day - evDay > RECENT_DAYS;
    return {
      pane: 'events',
      radius: selected ? 9 : 5.5,
      color: selected ? '#111827' : '#ffffff',
      weight: selected ? 3 : 1.2,
      fillColor: typeColor(ev.event_type),
      fillOpacity: faded ? 0.35 : 0.95,
      opacity: faded ? 0.5 : 1,
      className: 'event-marker',
    };
  }

  function buildEventMarkers() {
    eventLayer.clearLayers();
    state.markers.clear();
    for (const ev of state.events) {
      const lat = Number(ev.latitude), lon = Number(ev.longitude);
      if (ev.latitude === null || ev.longitude === null || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const m = L.circleMarker([lat, lon], eventStyle(ev, state.day));
      m.bindTooltip(() => tip(`${show(ev.event_type)} · ${show(ev.event_date)}`,
        [ev.actor1, ev.actor2].filter(Boolean).map(show).join(' vs '), show(ev.location)),
      { className: 'tip', direction: 'top', offset: [0, -6] });
      const id = ev.event_id;
      m.bindPopup(() => eventPopup(state.byId.get(id) || ev), { className: 'event-popup', offset: [0, -4] });
      m.on('click', () => selectEvent(id, { fromMap: true }));
      state.markers.set(ev.event_id, m);
    }
  }

  function eventPopup(ev) {
    const actors = [ev.actor1, ev.actor2].filter(Boolean).map(show).join(' vs ');
    const fat = ev.fatalities === null || ev.fatalities === undefined ? '' : `fatalities: ${show(ev.fatalities)}`;
    return h('div', { class: 'popup', dataset: { eventId: show(ev.event_id) } },
      h('div', { class: 'popup-title', text: `${show(ev.event_type) || 'Event'} · ${show(ev.event_date)}` }),
      h('div', { class: 'popup-place', text: [show(ev.location), show(ev.admin1), show(ev.country)].filter(Boolean).join(', ') }),
      actors ? h('div', { text: actors }) : null,
      h('div', { class: 'muted', text: [show(ev.sub_event_type), fat].filter(Boolean).join(' · ') }),
      h('div', { class: 'muted', text: 'the article is open in the panel' }));
  }

  function controlPopup(row, holder) {
    const evd = (row.evidence || [])[0];
    const line = (label, value) => (value ? h('div', null, h('span', { class: 'muted', text: `${label} ` }), h('span', { text: value })) : null);
    return h('div', { class: 'popup', dataset: { place: show(row.place) } },
      h('div', { class: 'popup-title', text: `Control — ${show(row.place) || 'unknown place'}` }),
      line('held by', holder),
      line('since', show(row.since)),
      line('before', show(row.previous)),
      line('basis', show(row.basis)),
      row.disputed ? h('div', { class: 'disputed', text: 'disputed' }) : null,
      evd && evd.text ? h('blockquote', { class: 'popup-evidence', text: show(evd.text) }) : h('div', { class: 'muted', text: 'no evidence recorded' }),
      evd ? h('button', { type: 'button', class: 'link', onclick: () => showControl(row) }, 'read the article') : null);
  }

  function visibleOn(ev, day) {
    const d = parseDay(ev.event_date);
    return d === null || day === null || d <= day;   // undated (mis-corrected) events are always shown
  }

  function updateEventMarkers() {
    for (const ev of state.events) {
      const m = state.markers.get(ev.event_id);
      if (!m) continue;
      const on = visibleOn(ev, state.day) || ev.event_id === state.selectedId;
      if (on && !eventLayer.hasLayer(m)) eventLayer.addLayer(m);
      if (!on && eventLayer.hasLayer(m)) eventLayer.removeLayer(m);
      if (on) {
        m.setStyle(eventStyle(ev, state.day));
        const el = m.getElement();
        if (el) el.dataset.eventId = ev.event_id;   // so a marker can be found for its event (tests, tools)
      }
      if (on && ev.event_id === state.selectedId) m.bringToFront();
    }
    updateLabels();
  }

  function drawControl(rows, dayText) {
    controlLayer.clearLayers();
    const counts = new Map();
    let disputed = 0;
    for (const row of rows) {
      const holder = show(row.holder) || 'unknown';
      counts.set(holder, (counts.get(holder) || 0) + 1);
      if (row.disputed) disputed += 1;
      const lat = Number(row.latitude), lon = Number(row.longitude);
      if (row.latitude === null || row.longitude === null || !Number.isFinite(lat) || !Number.isFinite(lon)) continue;
      const color = holderColor(holder);
      // a flag on a pole whose foot is at the place: the event dots stay clickable beneath it
      const cloth = h('span', { class: 'cloth' });
      cloth.style.backgroundColor = color;
      const icon = h('div', { dataset: { holder, place: show(row.place) } }, h('span', { class: 'pole' }), cloth);
      const m = L.marker([lat, lon], {
        pane: 'control', keyboard: true, title: `${show(row.place)}: ${holder}`,
        icon: L.divIcon({ html: icon, className: 'control-flag' + (row.disputed ? ' disputed' : ''), iconSize: [18, 26],
          iconAnchor: [1, 26], popupAnchor: [8, -22], tooltipAnchor: [8, -20] }),
      });
      m.bindTooltip(tip(show(row.place), `held by ${holder}` + (row.since ? ` since ${show(row.since)}` : ''),
        row.previous ? `before: ${show(row.previous)}` : '', row.disputed ? 'disputed' : ''),
      { className: 'tip', direction: 'top' });
      m.bindPopup(() => controlPopup(row, holder), { className: 'control-popup', maxWidth: 320 });
      controlLayer.addLayer(m);
    }
    state.controlRows = rows;
    updateLabels();
    drawLegend(counts, disputed, dayText);
  }

  // ---- place labels: one per place with a visible event or a known holder ---------------------
  function updateLabels() {
    if (!labelLayer) return;
    const places = new Map();
    const add = (name, lat, lon, weight) => {
      name = show(name).trim();
      if (!name || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
      const key = `${name}|${lat.toFixed(3)}|${lon.toFixed(3)}`;
      const p = places.get(key) || { name, lat, lon, weight: 0 };
      p.weight += weight;
      places.set(key, p);
    };
    for (const ev of state.events) {
      const m = state.markers.get(ev.event_id);
      if (m && eventLayer.hasLayer(m)) add(ev.location, m.getLatLng().lat, m.getLatLng().lng, 1);
    }
    for (const row of state.controlRows) {
      if (row.latitude !== null && row.longitude !== null) add(row.place, Number(row.latitude), Number(row.longitude), 1000);
    }
    labelLayer.clearLayers();
    // the most important first: places under control, then by their number of events
    const sorted = [...places.values()].sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name));
    for (const p of sorted) {
      const node = h('span', { class: 'label-text', text: p.name });
      const lbl = L.marker([p.lat, p.lon], {
        pane: 'labels', interactive: false, keyboard: false,
        icon: L.divIcon({ html: node, className: 'place-label', iconSize: null, iconAnchor: [-10, 8] }),
      });
      lbl.placeName = p.name;
      labelLayer.addLayer(lbl);
    }
    declutterLabels();
  }

  /** Hide the labels that would overlap a more important one (their names stay in the hover tips). */
  function declutterLabels() {
    if (!labelLayer) return;
    const enabled = map.getZoom() >= LABEL_MIN_ZOOM;
    const size = map.getSize();
    const taken = [];
    let shown = 0;
    labelLayer.eachLayer((lbl) => {
      const el = lbl.getElement();
      if (!el) return;
      let ok = enabled;
      if (ok) {
        const pt = map.latLngToContainerPoint(lbl.getLatLng());
        const w = el.offsetWidth || 60, hgt = el.offsetHeight || 16;
        const box = { x0: pt.x + 10, y0: pt.y - 8, x1: pt.x + 10 + w, y1: pt.y - 8 + hgt };
        const inView = box.x1 > 0 && box.x0 < size.x && box.y1 > 0 && box.y0 < size.y;
        ok = inView && !taken.some((t) => box.x0 < t.x1 + 2 && t.x0 < box.x1 + 2 && box.y0 < t.y1 && t.y0 < box.y1);
        if (ok) taken.push(box);
      }
      el.classList.toggle('label-hidden', !ok);
      if (ok) shown += 1;
    });
    document.body.dataset.labels = String(shown);
  }

  /** Shaded areas by holder (server-side Voronoi cells): the front line at a glance. */
  function drawAreas(fc) {
    areaLayer.clearLayers();
    const feats = (fc && Array.isArray(fc.features)) ? fc.features : [];
    for (const f of feats) {
      const holder = show(f.properties && f.properties.holder) || 'unknown';
      const color = holderColor(holder);
      const layer = L.geoJSON(f, {
        pane: 'areas', interactive: true,
        style: { color, weight: 1, fillColor: color, fillOpacity: 0.22, dashArray: f.properties.disputed ? '3 3' : null,
          className: 'control-area' },
      });
      layer.bindTooltip(tip(`${holder}${f.properties.disputed ? ' (disputed)' : ''}`,
        show(f.properties.places).slice(0, 200)), { sticky: true, className: 'tip' });
      areaLayer.addLayer(layer);
    }
    document.body.dataset.areas = feats.map((f) => `${show(f.properties.holder)}:${show(f.properties.places)}`).join('|');
  }

  function drawLegend(counts, disputed, dayText) {
    const node = $('legend');
    clear(node);
    const holders = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const control = h('div', { class: 'section control-legend', dataset: { date: dayText, holders: String(holders.length) } },
      h('h4', { text: `Control on ${dayText}` }));
    if (!holders.length) control.append(h('div', { class: 'none', text: 'no place has a known holder yet' }));
    for (const [name, n] of holders) {
      const sw = h('span', { class: 'swatch' });
      sw.style.borderColor = holderColor(name);
      control.append(h('div', { class: 'row holder', dataset: { holder: name } }, sw, h('span', { class: 'name', text: name }),
        h('span', { class: 'count', text: String(n) })));
    }
    if (disputed) {
      const sw = h('span', { class: 'swatch dashed' });
      sw.style.borderColor = '#6b7280';
      control.append(h('div', { class: 'row' }, sw, h('span', { text: `disputed (${disputed})` })));
    }
    node.append(control);
    const types = new Set(state.events.map((e) => e.event_type).filter(Boolean));
    if (types.size) {
      const sec = h('div', { class: 'section' }, h('h4', { text: 'Events' }));
      for (const t of [...types].sort()) {
        const dot = h('span', { class: 'dot' });
        dot.style.backgroundColor = typeColor(t);
        sec.append(h('div', { class: 'row' }, dot, h('span', { text: show(t) })));
      }
      sec.append(h('div', { class: 'muted', text: `faded: more than ${RECENT_DAYS} days before the date` }));
      node.append(sec);
    }
  }

  // ---- timeline ------------------------------------------------------------------------------
  let controlTimer = null;

  function setupTimeline() {
    const slider = $('date-slider');
    const days = state.events.map((e) => parseDay(e.event_date)).filter((d) => d !== null);
    state.eventDays = [...new Set(days)].sort((a, b) => a - b);
    if (!state.eventDays.length) {
      state.day = Math.floor(Date.now() / DAY_MS);
      slider.disabled = true;
      $('range-label').textContent = 'no dated events';
      return;
    }
    state.minDay = state.eventDays[0];
    state.maxDay = state.eventDays[state.eventDays.length - 1];
    slider.min = '0';
    slider.max = String(state.maxDay - state.minDay);
    slider.step = '1';
    slider.disabled = state.maxDay === state.minDay;
    if (state.day === null || state.day < state.minDay || state.day > state.maxDay) state.day = state.maxDay;
    slider.value = String(state.day - state.minDay);
    $('range-label').textContent = `${fmtDay(state.minDay)} → ${fmtDay(state.maxDay)}`;
  }

  function setDay(day, immediate) {
    state.day = day;
    const text = fmtDay(day);
    $('date-label').textContent = text;
    document.body.dataset.date = text;
    if (state.minDay !== null) $('date-slider').value = String(day - state.minDay);
    renderList();
    updateEventMarkers();
    clearTimeout(controlTimer);
    if (immediate) return loadControl(day);
    controlTimer = setTimeout(() => loadControl(day), 150);
    return null;
  }

  async function loadControl(day) {
    const seq = ++state.controlSeq;
    const text = fmtDay(day);
    try {
      const [rows, areas] = await Promise.all([apiAll('/api/control?at=' + encodeURIComponent(text)),
        api('/api/control/areas?at=' + encodeURIComponent(text))]);
      if (seq !== state.controlSeq) return;   // a later date was asked for meanwhile
      drawAreas(areas);
      drawControl(Array.isArray(rows) ? rows : [], text);
      document.body.dataset.controlDate = text;
    } catch (err) {
      if (seq === state.controlSeq) status(`control on ${text}: ${err.message}`, true);
    }
  }

  function stepToEventDate(direction) {
    if (!state.eventDays.length) return;
    const next = direction > 0 ? state.eventDays.find((d) => d > state.day)
      : [...state.eventDays].reverse().find((d) => d < state.day);
    if (next !== undefined) setDay(next, true);
  }

  // ---- event list ----------------------------------------------------------------------------
  function renderList() {
    const list = $('event-list');
    clear(list);
    const shown = state.events.filter((ev) => visibleOn(ev, state.day))
      .sort((a, b) => show(b.event_date).localeCompare(show(a.event_date)) || show(a.event_id).localeCompare(show(b.event_id)));
    $('list-count').textContent = `${shown.length} of ${state.events.length}`;
    if (!shown.length) {
      list.append(h('li', { class: 'empty', text: state.events.length ? 'No events on or before this date.' : 'No events stored yet.' }));
      return;
    }
    for (const ev of shown.slice(0, LIST_LIMIT)) list.append(listItem(ev));
    if (shown.length > LIST_LIMIT) list.append(h('li', { class: 'empty', text: `… ${shown.length - LIST_LIMIT} older events not listed` }));
  }

  function listItem(ev) {
    const dot = h('span', { class: 'dot' });
    dot.style.backgroundColor = typeColor(ev.event_type);
    const statusText = ev.status && ev.status !== 'unreviewed' ? ev.status : '';
    const li = h('li', {
      class: [ev.event_id === state.selectedId ? 'selected' : '', ev.status || ''].join(' ').trim(),
      dataset: { eventId: ev.event_id },
    }, h('button', { type: 'button', class: 'event', onclick: () => selectEvent(ev.event_id, {}) },
      h('span', { class: 'date', text: show(ev.event_date) }),
      h('span', { class: 'type' }, dot, show(ev.event_type)),
      statusText ? h('span', { class: `badge ${statusText}`, text: statusText }) : h('span'),
      h('span', { class: 'who', text: [show(ev.actor1) || '—', show(ev.location) || '—'].join(' · ') },
        state.markers.has(ev.event_id) ? null : h('span', { class: 'unmapped', text: ' · not on the map', title: 'no coordinates' }))));
    return li;
  }

  function markSelectedInList() {
    for (const li of $('event-list').children) {
      const on = li.dataset.eventId === state.selectedId;
      li.classList.toggle('selected', on);
      if (on) li.scrollIntoView({ block: 'nearest' });
    }
  }

  // ---- detail panel --------------------------------------------------------------------------
  function openPanel(title) {
    const side = $('side');
    side.classList.add('has-detail');
    $('detail').hidden = false;
    $('detail-title').textContent = title;
    const body = $('detail-body');
    clear(body);
    $('detail').scrollTop = 0;
    return body;
  }

  function closePanel() {
    $('detail').hidden = true;
    $('side').classList.remove('has-detail');
    state.panel = null;
    state.viewSeq += 1;
    const was = state.selectedId;
    state.selectedId = null;
    if (was) { markSelectedInList(); updateEventMarkers(); }
  }

  function selectEvent(id, opts) {
    const ev = state.byId.get(id);
    if (!ev) return;
    state.selectedId = id;
    markSelectedInList();
    updateEventMarkers();
    const m = state.markers.get(id);
    if (m && opts && !opts.fromMap && !map.getBounds().contains(m.getLatLng())) map.panTo(m.getLatLng());
    showEvent(ev);
  }

  function originalValues(ev) {
    const out = {};
    for (const r of ev.reviews || []) {
      if (r.action === 'correct' && r.field && !(r.field in out)) out[r.field] = r.old_value;
    }
    return out;
  }

  function fieldsList(obj, keys, was) {
    const dl = h('dl', { class: 'fields' });
    for (const key of keys) {
      const value = obj[key];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) continue;
      const dd = h('dd', { dataset: { field: key } }, h('span', { class: 'value', text: show(value) }));
      if (was && key in was) dd.append(h('span', { class: 'was', text: `(extracted: ${show(was[key]) || '—'})` }));
      dl.append(h('dt', { text: key }), dd);
    }
    return dl;
  }

  function reviewLine(r) {
    const when = show(r.at).replace('T', ' ').slice(0, 16);
    let what = show(r.action);
    if (r.action === 'correct') what += ` ${show(r.field)}: “${show(r.old_value)}” → “${show(r.new_value)}”`;
    return h('li', { text: `${when} · ${show(r.reviewer)} · ${what}` });
  }

  function showEvent(ev) {
    const body = openPanel(`${show(ev.event_type) || 'Event'} — ${show(ev.location) || 'unknown place'}`);
    const refs = {
      badge: h('span', { class: 'badge' }),
      summary: h('span', { class: 'muted' }),
      fields: h('div'),
      reviews: h('div'),
      msg: h('div', { class: 'msg', role: 'status' }),
    };
    state.panel = { kind: 'event', id: ev.event_id, refs };
    body.append(h('div', { class: 'row' }, refs.badge, ' ', refs.summary));
    body.append(refs.fields, refs.reviews);
    body.append(h('h3', { text: 'Review' }), reviewForm(ev, refs.msg));
    body.append(h('h3', { text: 'Source' }));
    body.append(evidenceViewer(ev.evidence || []));
    fillEventMeta(ev);
  }

  function fillEventMeta(ev) {
    const refs = state.panel && state.panel.kind === 'event' && state.panel.id === ev.event_id ? state.panel.refs : null;
    if (!refs) return;
    const st = ev.status || 'unreviewed';
    refs.badge.className = `badge ${st}`;
    refs.badge.textContent = st;
    refs.badge.dataset.status = st;
    refs.summary.textContent = [show(ev.event_date), show(ev.sub_event_type)].filter(Boolean).join(' · ');
    clear(refs.fields);
    refs.fields.append(fieldsList(ev, EVENT_FIELDS, originalValues(ev)));
    clear(refs.reviews);
    if ((ev.reviews || []).length) {
      refs.reviews.append(h('h3', { text: 'Review history' }), h('ol', { class: 'reviews' }, ev.reviews.map(reviewLine)));
    }
  }

  function reviewForm(ev, msg) {
    const select = h('select', { name: 'field', 'aria-label': 'field to correct' },
      CORRECTABLE.map((f) => h('option', { value: f, text: f })));
    const input = h('input', { type: 'text', name: 'value', maxlength: '2000', 'aria-label': 'corrected value', placeholder: 'new value' });
    const current = () => state.byId.get(ev.event_id) || ev;
    const prefill = () => { input.value = show(current()[select.value]); };
    select.addEventListener('change', prefill);
    select.value = 'location';
    prefill();
    const buttons = [];
    const send = (payload) => submitReview(ev.event_id, payload, msg, buttons);
    const accept = h('button', { type: 'button', class: 'btn accept', onclick: () => send({ action: 'accept' }) }, 'Accept');
    const reject = h('button', { type: 'button', class: 'btn reject', onclick: () => send({ action: 'reject' }) }, 'Reject');
    const correct = h('button', { type: 'submit', class: 'btn correct' }, 'Correct');
    buttons.push(accept, reject, correct);
    const form = h('form', { class: 'review', autocomplete: 'off' },
      h('div', { class: 'row' }, accept, reject),
      h('div', { class: 'row' }, select, input, correct),
      msg);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      send({ action: 'correct', field: select.value, value: input.value });
    });
    return form;
  }

  async function submitReview(eventId, payload, msg, buttons) {
    const token = $('token').value.trim();
    msg.className = 'msg';
    if (!token) {
      msg.classList.add('error');
      msg.textContent = 'Enter the edit token (top right) first.';
      $('token').focus();
      return;
    }
    const reviewer = $('reviewer').value.trim() || 'analyst';
    buttons.forEach((b) => { b.disabled = true; });
    msg.textContent = 'saving…';
    try {
      const saved = await api(`/api/events/${encodeURIComponent(eventId)}/review`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(Object.assign({ reviewer }, payload)),
      });
      await refreshEvent(eventId);
      msg.classList.add('ok');
      msg.textContent = saved.action === 'correct'
        ? `Saved: ${show(saved.field)} corrected to “${show(saved.new_value)}”.`
        : `Saved: ${show(saved.action)}ed.`;
    } catch (err) {
      msg.classList.add('error');
      msg.textContent = `Not saved: ${err.message}`;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  /** Re-read one event's reviews and status from the API and show them everywhere. */
  async function refreshEvent(eventId) {
    const fresh = await api('/api/events/' + encodeURIComponent(eventId));
    const old = state.byId.get(eventId);
    if (!old) return;
    // the server applies the corrections (typed, with the fields they imply: a place's coordinates);
    // a merged event keeps its own sources and evidence
    const ev = Object.assign({}, old, fresh, { evidence: old.evidence, merged_from: old.merged_from, source: old.source });
    state.events[state.events.indexOf(old)] = ev;
    state.byId.set(eventId, ev);
    const m = state.markers.get(eventId);
    if (m && ev.latitude !== null && ev.longitude !== null) m.setLatLng([ev.latitude, ev.longitude]);
    if (m) m.setTooltipContent(() => tip(`${show(ev.event_type)} · ${show(ev.event_date)}`,
      [ev.actor1, ev.actor2].filter(Boolean).map(show).join(' vs '), show(ev.location)));
    renderList();
    updateEventMarkers();
    fillEventMeta(ev);
    if (state.panel && state.panel.id === eventId) {
      $('detail-title').textContent = `${show(ev.event_type) || 'Event'} — ${show(ev.location) || 'unknown place'}`;
    }
  }

  function showControl(row) {
    state.selectedId = null;
    markSelectedInList();
    updateEventMarkers();
    const body = openPanel(`Control — ${show(row.place) || 'unknown place'}`);
    state.panel = { kind: 'control', id: show(row.place), refs: {} };
    body.append(fieldsList(row, ['place', 'holder', 'since', 'previous', 'disputed', 'place_id', 'latitude', 'longitude']));
    body.append(h('h3', { text: 'Source' }));
    body.append(evidenceViewer(row.evidence || []));
  }

  // ---- the source reader ---------------------------------------------------------------------
  function evidenceViewer(evidence) {
    const wrap = h('div', { class: 'evidence' });
    if (!evidence.length) {
      wrap.append(h('p', { class: 'muted', text: 'No evidence recorded.' }));
      return wrap;
    }
    const viewer = h('div', { class: 'doc', id: 'doc-view' });
    if (evidence.length > 1) {
      const bar = h('div', { class: 'sources', role: 'group', 'aria-label': 'sources' });
      evidence.forEach((evd, i) => {
        const b = h('button', { type: 'button', 'aria-pressed': i === 0 ? 'true' : 'false', title: show(evd.doc_id) },
          `source ${i + 1}`);
        b.addEventListener('click', () => {
          for (const other of bar.children) other.setAttribute('aria-pressed', other === b ? 'true' : 'false');
          loadArticle(viewer, evd);
        });
        bar.append(b);
      });
      wrap.append(bar);
    }
    wrap.append(viewer);
    loadArticle(viewer, evidence[0]);
    return wrap;
  }

  /** Split text at code-point offsets (the API counts code points, JavaScript counts UTF-16 units). */
  function splitAt(text, start, end) {
    const cps = Array.from(text);
    if (cps.length === text.length) return [text.slice(0, start), text.slice(start, end), text.slice(end)];
    return [cps.slice(0, start).join(''), cps.slice(start, end).join(''), cps.slice(end).join('')];
  }

  function highlightParts(article, evd) {
    const n = Array.from(article).length;
    const s = Number(evd.start), e = Number(evd.end);
    const want = typeof evd.text === 'string' ? evd.text : '';
    if (Number.isInteger(s) && Number.isInteger(e) && s >= 0 && s <= e && e <= n) {
      const parts = splitAt(article, s, e);
      if (!want || parts[1] === want) return { parts, exact: true };
    }
    const i = want ? article.indexOf(want) : -1;
    if (i >= 0) return { parts: [article.slice(0, i), want, article.slice(i + want.length)], exact: false };
    return null;
  }

  async function loadArticle(viewer, evd) {
    const seq = ++state.viewSeq;
    clear(viewer);
    viewer.append(h('p', { class: 'muted', text: 'loading the article…' }));
    let doc;
    try {
      doc = await documentFor(evd.doc_id);
    } catch (err) {
      if (seq !== state.viewSeq) return;
      clear(viewer);
      viewer.append(h('p', { class: 'msg error', text: `Could not load ${show(evd.doc_id)}: ${err.message}` }));
      return;
    }
    if (seq !== state.viewSeq) return;    // another event was opened meanwhile
    clear(viewer);
    const meta = doc.meta || {};
    const head = h('div', { class: 'doc-head' }, h('span', { class: 'title', text: show(meta.title) || show(doc.id) }));
    const bits = [show(meta.site), show(meta.published) ? `published ${show(meta.published)}` : '', show(meta.author)].filter(Boolean);
    if (bits.length) head.append(h('span', { text: bits.join(' · ') }), h('br'));
    const link = safeHttpUrl(meta.url) || safeHttpUrl(doc.id);
    if (link) head.append(h('a', { href: link, target: '_blank', rel: 'noopener noreferrer nofollow', text: link }));
    else head.append(h('span', { text: `document ${show(doc.id)}` }));
    viewer.append(head);
    if (Array.isArray(doc.warnings) && doc.warnings.length) {
      viewer.append(h('ul', { class: 'warnings' }, doc.warnings.map((w) => h('li', { text: show(w) }))));
    }
    const article = typeof doc.article === 'string' ? doc.article : '';
    const box = h('div', { class: 'article', id: 'article', lang: show(meta.language) || null });
    const hit = highlightParts(article, evd);
    let mark = null;
    if (hit) {
      mark = h('mark', { id: 'evidence-mark', text: hit.parts[1] });
      box.append(hit.parts[0], mark, hit.parts[2]);
      if (!hit.exact) viewer.append(h('p', { class: 'offset-note', text: 'The stored offsets did not match; the sentence was found by its text.' }));
    } else {
      box.append(article);
      viewer.append(h('p', { class: 'offset-note', text: 'The evidence sentence was not found in this article.' }));
      viewer.append(h('blockquote', { text: show(evd.text) }));
    }
    viewer.append(box);
    const comments = commentsToggle(doc.comments);
    if (comments) viewer.append(comments);
    if (mark) mark.scrollIntoView({ block: 'center' });
  }

  function safeHttpUrl(value) {
    if (typeof value !== 'string') return null;
    try {
      const u = new URL(value);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (_) { return null; }
  }

  /** Reader comments are not reporting: collapsed, and only built when opened. */
  function commentsToggle(comments) {
    const list = Array.isArray(comments) ? comments : [];
    if (!list.length) return null;
    const n = list.length;
    const details = h('details', { class: 'comments' },
      h('summary', { text: `${n} reader comment${n === 1 ? '' : 's'} (not reporting)` }));
    details.addEventListener('toggle', () => {
      if (!details.open || details.dataset.filled) return;
      details.dataset.filled = '1';
      for (const c of list) details.append(h('blockquote', { text: show(c) }));
    });
    return details;
  }

  // ---- filters and downloads ---------------------------------------------------------------
  function filterParams() {
    const p = new URLSearchParams();
    for (const [id, key] of [['f-from', 'from'], ['f-to', 'to'], ['f-type', 'type'], ['f-actor', 'actor'],
      ['f-source', 'source'], ['f-q', 'q']]) {
      const v = $(id).value.trim();
      if (v) p.set(key, v);
    }
    return p;
  }

  function updateDownloads(params) {
    for (const fmt of ['csv', 'geojson']) {
      const p = new URLSearchParams(params);
      p.set('format', fmt);
      $(`download-${fmt}`).href = '/api/export?' + p.toString();
    }
  }

  async function loadEvents() {
    const params = filterParams();
    updateDownloads(params);
    const events = await apiAll('/api/events' + (params.toString() ? '?' + params.toString() : ''));
    state.events = Array.isArray(events) ? events : [];
    state.byId = new Map(state.events.map((e) => [e.event_id, e]));
    document.body.dataset.filter = params.toString();
    buildEventMarkers();
  }

  async function applyFilters() {
    try {
      await loadEvents();
      setupTimeline();
      await setDay(state.day, true);
      status(`${state.events.length} event(s) match`);
    } catch (err) {
      status(`Could not filter: ${err.message}`, true);
    }
  }

  async function setupFilters() {
    $('filters').addEventListener('submit', (e) => { e.preventDefault(); applyFilters(); });
    $('f-reset').addEventListener('click', () => { $('filters').reset(); applyFilters(); });
    try {
      const tax = await api('/api/taxonomy');
      const select = $('f-type');
      for (const [type, subs] of Object.entries(tax)) {
        select.append(h('option', { value: type, text: type }));
        select.append(h('optgroup', { label: `${type}: sub-types` }, subs.map((s) => h('option', { value: s, text: `  ${s}` }))));
      }
    } catch (err) { status(`types: ${err.message}`, true); }
  }

  // ---- start -------------------------------------------------------------------------------
  function setupInputs() {
    const token = $('token'), reviewer = $('reviewer');
    try {
      token.value = localStorage.getItem(STORE_TOKEN) || '';
      reviewer.value = localStorage.getItem(STORE_REVIEWER) || '';
    } catch (_) { /* storage may be disabled */ }
    const keep = (key, input) => () => {
      try { localStorage.setItem(key, input.value.trim()); } catch (_) { /* ignore */ }
    };
    $('token-copy').addEventListener('click', copyToken);
    $('token-show').addEventListener('click', () => {
      const on = token.type === 'password';
      token.type = on ? 'text' : 'password';
      $('token-show').setAttribute('aria-pressed', on ? 'true' : 'false');
      $('token-show').textContent = on ? 'hide' : 'show';
    });
    token.addEventListener('change', keep(STORE_TOKEN, token));
    token.addEventListener('input', keep(STORE_TOKEN, token));
    reviewer.addEventListener('change', keep(STORE_REVIEWER, reviewer));
    const slider = $('date-slider');
    slider.addEventListener('input', () => setDay(state.minDay + Number(slider.value), false));
    slider.addEventListener('change', () => setDay(state.minDay + Number(slider.value), true));
    $('prev-date').addEventListener('click', () => stepToEventDate(-1));
    $('next-date').addEventListener('click', () => stepToEventDate(1));
    $('detail-close').addEventListener('click', closePanel);
    $('auth').addEventListener('submit', (e) => e.preventDefault());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !$('detail').hidden) closePanel();
    });
  }

  /** Copy the edit token (for curl or a colleague); says so beside the field either way. */
  async function copyToken() {
    const input = $('token'), msg = $('token-msg');
    const value = input.value.trim();
    msg.className = 'token-msg';
    if (!value) {
      msg.classList.add('error');
      msg.textContent = 'no token to copy: paste the one printed at start-up';
      input.focus();
      return;
    }
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(value); ok = true; }
    } catch (_) { ok = false; }
    if (!ok) {                       // plain http on another host: copy the selected text
      const type = input.type;
      input.type = 'text';
      input.select();
      try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
      if (ok) input.type = type;
    }
    msg.classList.add(ok ? 'ok' : 'error');
    msg.textContent = ok ? 'copied' : 'selected: press Ctrl+C to copy';
    clearTimeout(copyToken.timer);
    if (ok) copyToken.timer = setTimeout(() => { msg.textContent = ''; }, 4000);
  }

  async function start() {
    setupInputs();
    initMap();
    try {
      const [basemap, outlines] = await Promise.all([
        api('/api/basemap').catch((err) => { status(`basemap: ${err.message}`, true); return null; }),
        api('/api/outlines').catch((err) => { status(`outlines: ${err.message}`, true); return null; }),
        loadEvents(), setupFilters(),
      ]);
      if (outlines) drawOutlines(outlines);
      fitView(basemap ? drawBasemap(basemap) : null);
      setupTimeline();
      await setDay(state.day, true);
      document.body.dataset.ready = '1';
    } catch (err) {
      status(`Could not load the data: ${err.message}`, true);
      document.body.dataset.ready = 'error';
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
