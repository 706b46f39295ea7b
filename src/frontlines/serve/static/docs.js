/* Renders /openapi.json as a plain page: no CDN, no inline script, text only (never HTML). */
(function () {
  'use strict';
  function h(tag, props, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') n.className = v; else if (k === 'text') n.textContent = v; else n.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : String(c));
    return n;
  }
  function ref(spec, schema) {
    if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split('/').pop()] || {};
    return schema || {};
  }
  function typeOf(spec, schema) {
    const s = ref(spec, schema);
    if (s.anyOf) return s.anyOf.map((x) => typeOf(spec, x)).filter((t) => t !== 'null').join(' | ');
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    if (s.type === 'array') return `array of ${typeOf(spec, s.items)}`;
    return [s.type || (schema && schema.$ref ? schema.$ref.split('/').pop() : 'any'), s.format].filter(Boolean).join(' ');
  }
  function params(spec, op) {
    const list = op.parameters || [];
    if (!list.length) return null;
    return h('table', null, h('tr', null, h('th', { text: 'parameter' }), h('th', { text: 'in' }), h('th', { text: 'type' }),
      h('th', { text: 'description' })),
    list.map((p) => h('tr', { class: 'param' }, h('td', null, h('code', { text: p.name + (p.required ? ' *' : '') })),
      h('td', { text: p.in }), h('td', { text: typeOf(spec, p.schema) }), h('td', { text: p.description || (p.schema || {}).description || '' }))));
  }
  function body(spec, op) {
    const c = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    if (!c) return null;
    const s = ref(spec, c.schema);
    const rows = Object.entries(s.properties || {}).map(([k, v]) => h('tr', null, h('td', null, h('code', { text: k })),
      h('td', { text: typeOf(spec, v) }), h('td', { text: v.description || '' })));
    return h('div', null, h('h3', { text: 'JSON body' }), h('table', null, rows));
  }
  function responses(op) {
    return h('p', { class: 'muted' }, 'responses: ', Object.entries(op.responses || {})
      .map(([code, r]) => `${code} ${r.description || ''}`).join(' · '));
  }
  async function start() {
    const main = document.getElementById('docs');
    try {
      const res = await fetch('/openapi.json');
      const spec = await res.json();
      document.getElementById('version').textContent = `version ${spec.info.version} — ${spec.info.description || ''}`;
      main.textContent = '';
      for (const [path, ops] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          main.append(h('section', { class: 'endpoint', id: `${method}-${path}` },
            h('h2', null, h('span', { class: `method ${method}`, text: method.toUpperCase() }), path,
              op.security ? h('span', { class: 'muted', text: '  (edit token)' }) : null),
            h('p', { text: op.summary || '' }), op.description ? h('pre', { text: op.description }) : null,
            params(spec, op), body(spec, op), responses(op)));
        }
      }
      document.body.dataset.ready = '1';
    } catch (err) {
      main.textContent = `Could not load /openapi.json: ${err.message}`;
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
}());
