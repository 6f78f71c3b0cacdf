// The rootwarden API docs page: renders /openapi.json with no third-party code and no network access
// beyond this server (machines running rootwarden may be offline). Everything shown is built with
// textContent, never innerHTML, so nothing in the document can inject markup.

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function resolveRef(document, schema) {
  if (!schema || typeof schema.$ref !== 'string') return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return { name, schema: document.components?.schemas?.[name] };
}

function schemaBlock(document, schema) {
  if (!schema) return null;
  const ref = schema.$ref ? resolveRef(document, schema) : null;
  const wrapper = el('div');
  if (ref) {
    wrapper.append(el('a', { href: `#schema-${ref.name}`, text: ref.name }));
    return wrapper;
  }
  wrapper.append(el('pre', { text: JSON.stringify(schema, null, 2) }));
  return wrapper;
}

function operationId(method, path) {
  return `op-${method}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function tryItForm(method, path, operation) {
  const form = el('form', { class: 'try' });
  const inputs = {};
  for (const parameter of operation.parameters ?? []) {
    const id = `${operationId(method, path)}-${parameter.in}-${parameter.name}`;
    const input = el('input', { id, name: parameter.name, placeholder: parameter.in });
    inputs[`${parameter.in}:${parameter.name}`] = input;
    form.append(el('label', { for: id, text: `${parameter.name} (${parameter.in}) ` }), input, el('br'));
  }
  let body;
  if (operation.requestBody) {
    body = el('textarea', { 'aria-label': 'Request body (JSON)', placeholder: '{ }' });
    form.append(el('div', { class: 'muted', text: 'Body (JSON)' }), body);
  }
  const output = el('pre', { class: 'response', text: '' });
  form.append(el('button', { type: 'submit', text: `Send ${method.toUpperCase()}` }), output);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    const headers = {};
    for (const [key, input] of Object.entries(inputs)) {
      const [where, name] = key.split(':');
      if (!input.value) continue;
      if (where === 'path') url = url.replace(`{${name}}`, encodeURIComponent(input.value));
      else if (where === 'query') query.append(name, input.value);
      else if (where === 'header') headers[name] = input.value;
    }
    const token = document.getElementById('token').value.trim();
    if (token) headers.Authorization = `Bearer ${token}`;
    const init = { method: method.toUpperCase(), headers };
    if (body?.value.trim()) {
      init.body = body.value;
      headers['Content-Type'] = 'application/json';
    }
    output.textContent = '…';
    try {
      const response = await fetch(query.size ? `${url}?${query}` : url, init);
      const text = await response.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {}
      output.textContent = `${response.status} ${response.statusText}\n\n${shown}`;
    } catch (error) {
      output.textContent = String(error);
    }
  });
  return form;
}

function renderOperation(document, method, path, operation) {
  const scope = operation.security?.[0]?.bearer?.[0];
  const summary = el(
    'summary',
    null,
    el('span', { class: `method ${method}`, text: method.toUpperCase() }),
    el('span', { class: 'path', text: path }),
    el('span', { text: operation.summary ?? '' }),
    el('span', { class: 'scope', text: scope ? `scope: ${scope}` : 'public' }),
  );
  const body = el('div', { class: 'body' });
  if (operation.description) body.append(el('p', { text: operation.description }));
  if (operation.parameters?.length) {
    const table = el(
      'table',
      null,
      el(
        'tr',
        null,
        el('th', { text: 'parameter' }),
        el('th', { text: 'in' }),
        el('th', { text: 'description' }),
      ),
    );
    for (const parameter of operation.parameters) {
      table.append(
        el(
          'tr',
          null,
          el('td', { text: `${parameter.name}${parameter.required ? ' *' : ''}` }),
          el('td', { text: parameter.in }),
          el('td', { text: parameter.description ?? '' }),
        ),
      );
    }
    body.append(el('h4', { text: 'Parameters' }), table);
  }
  const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
  if (requestSchema) body.append(el('h4', { text: 'Request body' }), schemaBlock(document, requestSchema));
  const responses = el(
    'table',
    null,
    el('tr', null, el('th', { text: 'status' }), el('th', { text: 'meaning' }), el('th', { text: 'body' })),
  );
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const content = response.content ?? {};
    const first = Object.keys(content)[0];
    responses.append(
      el(
        'tr',
        null,
        el('td', { text: status }),
        el('td', { text: response.description ?? '' }),
        el('td', null, first ? schemaBlock(document, content[first].schema) : null),
      ),
    );
  }
  body.append(
    el('h4', { text: 'Responses' }),
    responses,
    el('h4', { text: 'Try it' }),
    tryItForm(method, path, operation),
  );
  return el(
    'details',
    { class: 'operation', id: operationId(method, path), 'data-path': path, 'data-method': method },
    summary,
    body,
  );
}

async function main() {
  const response = await fetch('/openapi.json');
  const document = await response.json();
  window.document.title = `${document.info.title} ${document.info.version}`;
  window.document.getElementById('title').textContent = document.info.title;
  window.document.getElementById('subtitle').textContent =
    `${document.info.description ?? ''} (version ${document.info.version}, OpenAPI ${document.openapi})`;
  const operations = window.document.getElementById('operations');
  const toc = el('ul');
  const byTag = new Map();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, path, operation]);
    }
  }
  for (const [tag, entries] of byTag) {
    operations.append(el('h2', { text: tag }));
    for (const [method, path, operation] of entries) {
      operations.append(renderOperation(document, method, path, operation));
      toc.append(
        el(
          'li',
          null,
          el('a', { href: `#${operationId(method, path)}`, text: `${method.toUpperCase()} ${path}` }),
        ),
      );
    }
  }
  window.document.getElementById('toc').append(toc);
  const schemas = window.document.getElementById('schemas');
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    schemas.append(
      el(
        'details',
        { id: `schema-${name}` },
        el('summary', { text: name }),
        el('pre', { text: JSON.stringify(schema, null, 2) }),
      ),
    );
  }
  window.document.body.setAttribute('data-ready', 'true');
}

main().catch((error) => {
  window.document.getElementById('subtitle').textContent = `Could not load /openapi.json: ${error}`;
  window.document.body.setAttribute('data-ready', 'error');
});
