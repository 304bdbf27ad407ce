/**
 * Server-rendered public pages, readable without JavaScript (the public reference a CVE record
 * cites). Everything interpolated goes through `esc` unless it is `SafeHtml` — Markdown rendered
 * by domain/markdown or markup built here from escaped parts. No inline script or style: the
 * strict CSP applies, and the look comes from one static stylesheet.
 */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Text for XML 1.0 (the Atom feed): escaped, and without the characters XML 1.0 does not allow at
 * all — C0 controls but tab and line ends, lone surrogates, U+FFFE and U+FFFF. Advisory text may
 * hold them (it refuses C0 controls only); one of them would make the whole feed unreadable.
 */
export function xmlText(value: unknown): string {
  return esc(String(value ?? '').replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));
}

/** Tagged template: interpolations are escaped, SafeHtml (and arrays of it) kept as they are. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.html;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return esc(value);
}

/** Markup that is safe by construction (from domain/markdown's renderer). */
export const trusted = (markup: string) => new SafeHtml(markup);

export const PUBLIC_CSS_PATH = '/static/public-pages.css';

export function page(options: { title: string; organisation: string; body: SafeHtml; feed?: boolean; description?: string }): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} — ${options.organisation}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<link rel="stylesheet" href="${PUBLIC_CSS_PATH}">
<link rel="icon" href="data:,">
${options.feed ? html`<link rel="alternate" type="application/atom+xml" title="Advisories" href="/advisories/feed.atom">` : ''}
</head>
<body>
<header class="site"><a class="brand" href="/security">${options.organisation} security</a>
<nav><a href="/security">Policy</a> <a href="/advisories">Advisories</a> <a href="/cna">CVE assignment</a> <a href="/report">Report</a> <a href="/hall-of-fame">Hall of fame</a></nav></header>
<main>
${options.body}
</main>
<footer class="site"><a href="/.well-known/security.txt">security.txt</a> · <a href="/.well-known/csaf/provider-metadata.json">CSAF provider</a> · <a href="/advisories/feed.atom">Atom feed</a> · <a href="/api/v1/advisories/osv">OSV (all)</a></footer>
</body>
</html>`.html}\n`;
}

export const PUBLIC_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --line: #d5dae0; --accent: #0b5cad; --bg: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --muted: #a3acb8; --line: #39404a; --accent: #6cb1ff; --bg: #15181c; } }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.site, footer.site { padding: .8rem 1.5rem; border-bottom: 1px solid var(--line); display: flex; gap: 1rem; flex-wrap: wrap; align-items: baseline; }
footer.site { border-top: 1px solid var(--line); border-bottom: 0; color: var(--muted); font-size: .9rem; margin-top: 3rem; }
header.site nav { display: flex; gap: 1rem; }
.brand { font-weight: 600; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; }
a { color: var(--accent); }
h1 { font-size: 1.7rem; margin: .8rem 0; }
section.policy { border-top: 1px solid var(--line); padding-top: .5rem; margin-top: 1.5rem; }
.updated, .meta { color: var(--muted); font-size: .9rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin: 1rem 0; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; padding: .3rem .5rem; }
.sev { font-weight: 600; text-transform: capitalize; }
.sev-critical { color: #b00020; } .sev-high { color: #c43e00; } .sev-medium { color: #9a6700; } .sev-low { color: #2f6f2f; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
pre { overflow-x: auto; padding: .6rem; border: 1px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.facts dt { color: var(--muted); }
.pager { display: flex; gap: 1rem; margin-top: 1rem; }
`;
