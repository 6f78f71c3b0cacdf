import { createHash } from 'node:crypto';
import { controlLabel, controlsForFinding } from '../compliance/controls.js';
import type { AccountAuditResult, AuditReport } from '../domain/audit.js';
import type { AuditDiff } from '../domain/audit-diff.js';
import { SEVERITIES } from '../domain/common.js';
import { FINDING_CODES } from '../domain/finding.js';
import { HTML_REPORT_SCRIPT, HTML_REPORT_STYLE } from './html-assets.js';
import { escapeHtml } from './neutralize.js';
import { describeCredentialChange, describeDrift, describeStatusChange } from './render-diff.js';
import { RULES } from './sarif.js';

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The page's Content-Security-Policy: nothing may be fetched or connected to, and only this page's own
 * style and script (by hash) run. Served as a header by the HTTP API and repeated in a meta element for
 * a file opened from disk or an e-mail attachment.
 */
export const HTML_REPORT_CSP = `default-src 'none'; style-src ${cspHash(HTML_REPORT_STYLE)}; script-src ${cspHash(HTML_REPORT_SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

export interface HtmlReportOptions {
  toolVersion: string;
  /** SHA-256 (hex) of the JSON report this page was rendered from (`jsonReportSha256`). */
  jsonSha256: string;
  /** Drift since the previous audit of the organization, when there is one. */
  diff?: AuditDiff | undefined;
  /** False for an unsaved report (`--no-save`): it cites no audit id, as nothing could look it up. */
  saved?: boolean | undefined;
}

/** The SHA-256 of the report's JSON rendering, fed chunk by chunk (never one 10,000-account string). */
export function jsonReportSha256(jsonChunks: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const chunk of jsonChunks) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * JSON inside `<script type="application/json">`: `<`, `>`, `&` and the JS line separators are
 * written as \u escapes, so no account or OU name can close the script element or start markup.
 */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** One account in the page's data: short keys keep a 10,000-account page small. */
function compactAccount(result: AccountAuditResult) {
  const credentials = result.rootCredentials;
  return {
    id: result.accountId,
    n: result.name,
    p: result.ouPath.map((ou) => [ou.id, ou.name]),
    s: result.status,
    ...(result.error ? { e: `${result.error.code}: ${result.error.message}` } : {}),
    ...(result.status === 'skipped' ? { k: result.skipDetail ?? result.skipReason ?? 'skipped' } : {}),
    ...(credentials
      ? {
          c: {
            pw: credentials.loginProfile ? (credentials.loginProfile.createDate ?? 'present') : null,
            pu: credentials.passwordLastUsed,
            ak: credentials.accessKeys.map((key) => [
              key.accessKeyId,
              key.status,
              key.lastUsedDate,
              key.lastUsedService,
            ]),
            sc: credentials.signingCertificates.map((certificate) => [
              certificate.certificateId,
              certificate.status,
            ]),
            mfa: credentials.mfaDevices.map((device) => [device.serialNumber, device.kind]),
          },
        }
      : {}),
    f: result.findings.map((finding) => [
      finding.severity,
      finding.code,
      finding.message,
      finding.accepted
        ? `accepted until ${finding.accepted.expiresAt.slice(0, 10)} by ${finding.accepted.owner}: ${finding.accepted.reason}`
        : '',
    ]),
  };
}

const STATUS_COLORS = {
  exposed: '#c62828',
  clean: '#2e7d32',
  unknown: '#ef6c00',
  skipped: '#78909c',
} as const;
const SEVERITY_COLORS = { critical: '#8e0000', high: '#c62828', medium: '#ef6c00', low: '#f9a825' } as const;

/** A horizontal bar chart as inline SVG (no script, no fetch): one bar per label. */
function barChart(title: string, bars: Array<{ label: string; value: number; color: string }>): string {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rowHeight = 26;
  const rows = bars
    .map((bar, index) => {
      const y = index * rowHeight + 4;
      const width = Math.round((bar.value / max) * 220);
      return `<text x="0" y="${y + 15}" class="chart-label">${escapeHtml(bar.label)}</text><rect x="80" y="${y}" width="${width}" height="18" fill="${bar.color}" rx="2"/><text x="${86 + width}" y="${y + 15}" class="chart-value">${bar.value}</text>`;
    })
    .join('');
  const height = bars.length * rowHeight + 8;
  return `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 360 ${height}" width="360" height="${height}"><title>${escapeHtml(title)}</title>${rows}</svg>`;
}

function metadataRows(report: AuditReport, options: HtmlReportOptions): string {
  const rows: Array<[string, string]> = [
    ['Organization', report.organizationId],
    ['Management account', report.managementAccountId],
    ['Run by (caller)', report.caller.arn],
    ['Caller role', report.caller.role],
    ['Started', report.startedAt],
    ['Finished', report.finishedAt],
    ['Complete', report.complete ? 'yes' : 'no: interrupted, partial report'],
    ['Selection', selectionText(report)],
    ['Recent use window', `${report.settings.recentDays} days`],
    ['rootwarden version', options.toolVersion],
    ['Report id', options.saved === false ? 'none (not saved)' : report.auditId],
    ['SHA-256 of the JSON report', options.jsonSha256],
  ];
  return rows
    .map(
      ([key, value]) =>
        `<tr><th scope="row">${escapeHtml(key)}</th><td data-meta="${escapeHtml(key)}"><code>${escapeHtml(value)}</code></td></tr>`,
    )
    .join('');
}

function selectionText(report: AuditReport): string {
  const { accounts, ous, exclude } = report.selection;
  const parts = [
    accounts.length > 0 ? `accounts ${accounts.join(', ')}` : '',
    ous.length > 0 ? `OUs ${ous.join(', ')}` : '',
    exclude.length > 0 ? `excluding ${exclude.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'the whole organization';
}

function driftSection(diff: AuditDiff | undefined): string {
  if (!diff)
    return '<section id="drift"><h2>Drift since the previous audit</h2><p data-drift="none">No previous audit of this organization in the history to compare with.</p></section>';
  const items = diff.accounts
    .slice(0, 500)
    .map((account) => {
      const changes = account.credentials.map(describeCredentialChange).join('; ');
      return `<li><code>${escapeHtml(account.accountId)}</code> ${escapeHtml(account.name)}: ${escapeHtml(describeStatusChange(account))}${changes ? ` · ${escapeHtml(changes)}` : ''}</li>`;
    })
    .join('');
  const more =
    diff.accounts.length > 500
      ? `<p>…and ${diff.accounts.length - 500} more (see <code>rootwarden audits diff</code>).</p>`
      : '';
  return `<section id="drift"><h2>Drift since the previous audit</h2><p data-drift="${diff.drift ? 'yes' : 'no'}">Compared with audit <code>${escapeHtml(diff.before.auditId)}</code> (${escapeHtml(diff.before.startedAt)}). ${escapeHtml(describeDrift(diff))}</p>${items ? `<ul class="drift">${items}</ul>` : ''}${more}</section>`;
}

function findingCodesLegend(): string {
  return FINDING_CODES.map((code) => {
    const controls = controlsForFinding(code).map(controlLabel).join(', ');
    return `<tr><td><code>${code}</code></td><td>${escapeHtml(RULES[code].title)}</td><td>${escapeHtml(RULES[code].help)}</td><td class="controls">${escapeHtml(controls)}</td></tr>`;
  }).join('');
}

/**
 * A self-contained HTML page of an audit report: inline CSS, JS and SVG, and a Content-Security-Policy
 * that forbids every fetch, so it works offline and from an e-mail attachment. Untrusted strings
 * (account and OU names, AWS messages) are escaped in markup and reach the script only as JSON data,
 * shown with textContent. Streamed: the accounts' data is written one account at a time.
 */
export function* htmlChunks(report: AuditReport, options: HtmlReportOptions): Generator<string> {
  const { summary } = report;
  const statusBars = (['exposed', 'clean', 'unknown', 'skipped'] as const).map((status) => ({
    label: status,
    value: summary[status],
    color: STATUS_COLORS[status],
  }));
  const severityBars = SEVERITIES.map((severity) => ({
    label: severity,
    value: summary.findings[severity],
    color: SEVERITY_COLORS[severity],
  }));
  const accepted = summary.accepted;
  const title = `rootwarden audit of ${report.organizationId} — ${report.finishedAt.slice(0, 10)}`;
  yield `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${HTML_REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta name="generator" content="rootwarden ${escapeHtml(options.toolVersion)}">
<title>${escapeHtml(title)}</title>
<style>${HTML_REPORT_STYLE}</style></head>
<body data-ready="false">
<header><h1>Root credentials audit</h1><p class="sub">${escapeHtml(report.organizationId)} · ${escapeHtml(report.finishedAt)}${report.complete ? '' : ' · <strong class="warn">INCOMPLETE (interrupted)</strong>'}</p></header>
<main>
<section id="summary"><h2>Summary</h2>
<div class="cards">
<div class="card"><span class="num" data-summary="accounts">${summary.accounts}</span><span>accounts</span></div>
${statusBars.map((bar) => `<div class="card ${bar.label}"><span class="num" data-summary="${bar.label}">${bar.value}</span><span>${bar.label}</span></div>`).join('\n')}
</div>
<div class="cards">
${severityBars.map((bar) => `<div class="card sev-${bar.label}"><span class="num" data-findings="${bar.label}">${bar.value}</span><span>${bar.label} findings</span></div>`).join('\n')}
${accepted ? `<div class="card accepted"><span class="num" data-accepted="total">${accepted.critical + accepted.high + accepted.medium + accepted.low}</span><span>accepted (exceptions)</span></div>` : ''}
</div>
<div class="charts">${barChart('Accounts by status', statusBars)}${barChart('Open findings by severity', severityBars)}</div>
${report.exceptions && report.exceptions.expired.length > 0 ? `<p class="warn" data-expired-exceptions="${report.exceptions.expired.length}">${report.exceptions.expired.length} exception(s) had expired and no longer apply: ${report.exceptions.expired.map((entry) => `${escapeHtml(entry.accountId)} ${escapeHtml(entry.findingCode ?? 'all findings')} (owner ${escapeHtml(entry.owner)}, expired ${escapeHtml(entry.expiresAt.slice(0, 10))})`).join('; ')}.</p>` : ''}
</section>
${driftSection(options.diff)}
<section id="tree"><h2>Organization tree</h2><p class="hint">Each OU with the status of its accounts; open an OU to list them.</p><div id="ou-tree"></div></section>
<section id="accounts"><h2>Accounts</h2>
<div class="filters" role="search">
<label>Search <input id="filter-text" type="search" placeholder="account id, name or OU"></label>
<label>Status <select id="filter-status"><option value="">any</option><option>exposed</option><option>clean</option><option>unknown</option><option>skipped</option></select></label>
<label>Finding at or above <select id="filter-severity"><option value="">any</option>${SEVERITIES.map((severity) => `<option>${severity}</option>`).join('')}</select></label>
<span id="visible-count" aria-live="polite"></span>
</div>
<table id="accounts-table"><thead><tr><th data-sort="id">Account</th><th data-sort="n">Name</th><th data-sort="ou">OU path</th><th data-sort="s">Status</th><th>Password</th><th>Keys</th><th>Certs</th><th>MFA</th><th data-sort="worst">Findings</th></tr></thead><tbody></tbody></table>
<button id="more-accounts" type="button" hidden>Show more</button>
</section>
<section id="findings"><h2>Findings</h2>
<table id="findings-table"><thead><tr><th data-sort="id">Account</th><th data-sort="n">Name</th><th data-sort="sev">Severity</th><th data-sort="code">Code</th><th>What</th><th>Exception</th></tr></thead><tbody></tbody></table>
<button id="more-findings" type="button" hidden>Show more</button>
</section>
<section id="detail" hidden><h2>Account <span id="detail-title"></span></h2><div id="detail-body"></div></section>
<section id="codes"><h2>Finding codes and the controls they evidence</h2>
<table><thead><tr><th>Code</th><th>Meaning</th><th>Remedy</th><th>Controls</th></tr></thead><tbody>${findingCodesLegend()}</tbody></table></section>
<section id="metadata"><h2>About this report</h2><table class="meta">${metadataRows(report, options)}</table></section>
</main>
<script type="application/json" id="report-data">{"accounts":[`;
  let first = true;
  for (const account of report.accounts) {
    yield `${first ? '' : ','}${embedJson(compactAccount(account))}`;
    first = false;
  }
  yield `]}</script>
<script>${HTML_REPORT_SCRIPT}</script>
</body></html>
`;
}
