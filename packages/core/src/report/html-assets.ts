/**
 * The inline style and script of the HTML report (see html.ts). Plain ES2017 and DOM APIs, no
 * framework and nothing fetched. Every string from the report is shown with textContent, never
 * parsed as HTML. Tables render at most PAGE rows until "Show more", so a 10,000-account report
 * opens and filters without freezing the page.
 */

export const HTML_REPORT_STYLE = `
:root{--fg:#1b1f24;--muted:#5f6b76;--line:#d8dee4;--bg:#fff;--soft:#f4f6f8}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;background:#102a43;color:#fff}header h1{margin:0;font-size:22px}.sub{margin:4px 0 0;color:#cbd5e1}
main{padding:8px 28px 40px;max-width:1400px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:120px;background:var(--soft);display:flex;flex-direction:column}
.card .num{font-size:24px;font-weight:600}.card.exposed .num,.sev-high .num,.sev-critical .num{color:#b71c1c}.card.clean .num{color:#2e7d32}.card.unknown .num,.sev-medium .num{color:#e65100}.sev-low .num{color:#a66f00}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart-label,.chart-value{font-size:12px;fill:var(--fg)}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);position:sticky;top:0}th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:after{content:" \\2195";color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:6px 0}.filters input,.filters select{font:inherit;padding:3px 6px}
.status{font-weight:600}.status-exposed{color:#b71c1c}.status-clean{color:#2e7d32}.status-unknown{color:#e65100}.status-skipped{color:var(--muted)}
.sev{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px}.sev-critical .sev,.sev.critical{background:#8e0000}.sev.high{background:#c62828}.sev.medium{background:#ef6c00}.sev.low{background:#a66f00}
.accepted-mark{color:var(--muted);font-style:italic}.warn{color:#b71c1c}.hint{color:var(--muted)}
details.ou{margin-left:14px}details.ou>summary{cursor:pointer;padding:2px 0}.counts{color:var(--muted);font-size:12px}
button.link{background:none;border:none;color:#0b5cad;cursor:pointer;padding:0;font:inherit;text-decoration:underline}
.meta th{width:220px;color:var(--muted);font-weight:500}code{font-size:12px;word-break:break-all}
#detail{border:1px solid var(--line);border-radius:6px;padding:0 16px 12px;background:var(--soft)}
`;

export const HTML_REPORT_SCRIPT = `
(function () {
  'use strict';
  var PAGE = 200;
  var RANK = { critical: 4, high: 3, medium: 2, low: 1 };
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var accounts = data.accounts;
  accounts.forEach(function (a) {
    a.ou = a.p.map(function (p) { return p[1]; }).join('/');
    a.worst = a.f.reduce(function (w, f) { return f[3] ? w : Math.max(w, RANK[f[0]] || 0); }, 0);
  });
  var findings = [];
  accounts.forEach(function (a) {
    a.f.forEach(function (f) {
      findings.push({ id: a.id, n: a.n, ou: a.ou, s: a.s, sev: RANK[f[0]], severity: f[0], code: f[1], message: f[2], accepted: f[3], account: a });
    });
  });

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function day(t) { return t ? String(t).slice(0, 10) : 'never'; }

  var state = { text: '', status: '', severity: '' };
  function matches(a) {
    if (state.status && a.s !== state.status) return false;
    if (state.severity && a.worst < RANK[state.severity]) return false;
    if (state.text) {
      var t = state.text;
      if (a.id.indexOf(t) < 0 && a.n.toLowerCase().indexOf(t) < 0 && a.ou.toLowerCase().indexOf(t) < 0) return false;
    }
    return true;
  }

  function sortable(table, rows, render, key) {
    var sortKey = key, direction = 1, shown = PAGE;
    var button = document.getElementById(table === 'accounts-table' ? 'more-accounts' : 'more-findings');
    function draw() {
      var tbody = document.querySelector('#' + table + ' tbody');
      var list = rows().slice().sort(function (x, y) {
        var a = x[sortKey], b = y[sortKey];
        return (a < b ? -1 : a > b ? 1 : 0) * direction || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
      });
      var fragment = document.createDocumentFragment();
      list.slice(0, shown).forEach(function (row) { fragment.appendChild(render(row)); });
      tbody.replaceChildren(fragment);
      button.hidden = list.length <= shown;
      button.textContent = 'Show more (' + (list.length - Math.min(shown, list.length)) + ' more)';
      return list.length;
    }
    document.querySelectorAll('#' + table + ' th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () {
        var k = th.getAttribute('data-sort');
        direction = k === sortKey ? -direction : (k === 'worst' || k === 'sev' ? -1 : 1);
        sortKey = k;
        draw();
      });
    });
    button.addEventListener('click', function () { shown += PAGE * 5; draw(); });
    return { draw: function () { shown = PAGE; return draw(); } };
  }

  function accountLink(a) {
    var b = el('button', a.id, 'link');
    b.type = 'button';
    b.addEventListener('click', function () { showDetail(a); });
    return b;
  }

  function accountRow(a) {
    var tr = el('tr');
    tr.setAttribute('data-account', a.id);
    var first = el('td'); first.appendChild(accountLink(a)); tr.appendChild(first);
    tr.appendChild(el('td', a.n));
    tr.appendChild(el('td', a.ou || '-'));
    tr.appendChild(el('td', a.s, 'status status-' + a.s));
    var c = a.c;
    tr.appendChild(el('td', c ? (c.pw ? 'yes (used ' + day(c.pu) + ')' : 'no') : '-'));
    tr.appendChild(el('td', c ? String(c.ak.length) : '-'));
    tr.appendChild(el('td', c ? String(c.sc.length) : '-'));
    tr.appendChild(el('td', c ? (c.mfa.length ? c.mfa.map(function (m) { return m[1]; }).join(', ') : 'none') : '-'));
    var f = el('td');
    if (a.s === 'unknown') f.textContent = a.e || 'unknown';
    else if (a.s === 'skipped') f.textContent = a.k || 'skipped';
    else if (!a.f.length) f.textContent = '-';
    else a.f.forEach(function (x) { var s = el('span', x[0], 'sev ' + x[0]); if (x[3]) s.title = x[3]; f.appendChild(s); f.appendChild(document.createTextNode(' ')); });
    tr.appendChild(f);
    return tr;
  }

  function findingRow(x) {
    var tr = el('tr');
    tr.setAttribute('data-finding', x.code);
    var first = el('td'); first.appendChild(accountLink(x.account)); tr.appendChild(first);
    tr.appendChild(el('td', x.n));
    var sev = el('td'); sev.appendChild(el('span', x.severity, 'sev ' + x.severity)); tr.appendChild(sev);
    tr.appendChild(el('td', x.code));
    tr.appendChild(el('td', x.message));
    tr.appendChild(el('td', x.accepted || '', x.accepted ? 'accepted-mark' : ''));
    return tr;
  }

  function showDetail(a) {
    var section = document.getElementById('detail');
    document.getElementById('detail-title').textContent = a.id + ' — ' + a.n;
    var body = document.getElementById('detail-body');
    body.replaceChildren();
    var dl = el('dl');
    function item(k, v) { dl.appendChild(el('dt', k)); dl.appendChild(el('dd', v)); }
    item('Status', a.s);
    item('OU path', a.ou || 'Root');
    if (a.e) item('Error', a.e);
    if (a.k) item('Skipped', a.k);
    var c = a.c;
    if (c) {
      item('Password', c.pw ? 'present (created ' + day(c.pw) + ', last used ' + day(c.pu) + ')' : 'none');
      item('Access keys', c.ak.length ? c.ak.map(function (k) { return k[0] + ' ' + k[1] + ', last used ' + day(k[2]) + (k[3] ? ' (' + k[3] + ')' : ''); }).join('; ') : 'none');
      item('Signing certificates', c.sc.length ? c.sc.map(function (s) { return s[0] + ' ' + s[1]; }).join('; ') : 'none');
      item('MFA devices', c.mfa.length ? c.mfa.map(function (m) { return m[1] + ': ' + m[0]; }).join('; ') : 'none');
    }
    item('Findings', a.f.length ? a.f.map(function (f) { return f[0] + ' ' + f[1] + (f[3] ? ' (' + f[3] + ')' : ''); }).join('; ') : 'none');
    body.appendChild(dl);
    section.hidden = false;
    section.scrollIntoView();
  }

  function buildTree() {
    var root = { name: 'Root', children: {}, order: [], accounts: [] };
    accounts.forEach(function (a) {
      var node = root;
      a.p.forEach(function (p, i) {
        if (i === 0) { root.name = p[1] || 'Root'; return; }
        if (!node.children[p[0]]) { node.children[p[0]] = { name: p[1], children: {}, order: [], accounts: [] }; node.order.push(p[0]); }
        node = node.children[p[0]];
      });
      node.accounts.push(a);
    });
    function counts(node) {
      var c = { exposed: 0, clean: 0, unknown: 0, skipped: 0 };
      node.accounts.forEach(function (a) { c[a.s] += 1; });
      node.order.forEach(function (id) { var k = counts(node.children[id]); for (var s in k) c[s] += k[s]; });
      node.totals = c;
      return c;
    }
    counts(root);
    function render(node, open) {
      var d = el('details', null, 'ou');
      if (open) d.open = true;
      var s = el('summary');
      s.appendChild(el('strong', node.name));
      var t = node.totals;
      s.appendChild(el('span', ' ' + t.exposed + ' exposed · ' + t.clean + ' clean · ' + t.unknown + ' unknown · ' + t.skipped + ' skipped', 'counts'));
      d.appendChild(s);
      var filled = false;
      function fill() {
        if (filled) return;
        filled = true;
        node.order.forEach(function (id) { d.appendChild(render(node.children[id], false)); });
        if (node.accounts.length) {
          var ul = el('ul');
          node.accounts.forEach(function (a) {
            var li = el('li');
            li.appendChild(accountLink(a));
            li.appendChild(document.createTextNode(' ' + a.n + ' '));
            li.appendChild(el('span', a.s, 'status status-' + a.s));
            ul.appendChild(li);
          });
          d.appendChild(ul);
        }
      }
      d.addEventListener('toggle', function () { if (d.open) fill(); });
      if (open) fill();
      return d;
    }
    document.getElementById('ou-tree').appendChild(render(root, true));
  }

  var accountsTable = sortable('accounts-table', function () { return accounts.filter(matches); }, accountRow, 'id');
  var findingsTable = sortable('findings-table', function () { return findings.filter(function (x) { return matches(x.account); }); }, findingRow, 'sev');
  function refresh() {
    var n = accountsTable.draw();
    var m = findingsTable.draw();
    document.getElementById('visible-count').textContent = n + ' of ' + accounts.length + ' accounts, ' + m + ' findings';
    document.body.setAttribute('data-visible-accounts', String(n));
    document.body.setAttribute('data-visible-findings', String(m));
  }
  var timer;
  document.getElementById('filter-text').addEventListener('input', function (event) {
    clearTimeout(timer);
    timer = setTimeout(function () { state.text = event.target.value.trim().toLowerCase(); refresh(); }, 120);
  });
  document.getElementById('filter-status').addEventListener('change', function (event) { state.status = event.target.value; refresh(); });
  document.getElementById('filter-severity').addEventListener('change', function (event) { state.severity = event.target.value; refresh(); });
  buildTree();
  refresh();
  document.body.setAttribute('data-ready', 'true');
})();
`;
