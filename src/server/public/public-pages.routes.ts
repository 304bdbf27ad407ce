import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { ANONYMOUS } from '../../domain/auth/actor.js';
import { advisoryFacets, listAdvisories, presentContent, type ContentView } from '../../domain/advisories/advisory-view.js';
import { getAdvisory, publishedContent } from '../../domain/advisories/advisory.service.js';
import { findAdvisory, findRevisions } from '../../domain/advisories/advisory.repository.js';
import { SEVERITIES } from '../../domain/advisories/advisory.js';
import { advisoryPagePath, csafDocumentPath } from '../../domain/csaf/csaf-document.js';
import { rendered } from '../../domain/markdown/render-markdown.js';
import { osvAffected } from '../../domain/osv/osv-document.js';
import { policyPage } from '../../domain/policy-page/policy-page.js';
import { listVisiblePrograms } from '../../domain/programs/program.service.js';
import { readSettings } from '../../domain/settings/settings.service.js';
import { invalid } from '../../shared/errors.js';
import { errors } from '../schemas.js';
import { html, page, PUBLIC_CSS, PUBLIC_CSS_PATH, trusted, xmlText, type SafeHtml } from './html.js';

const HTML = 'text/html; charset=utf-8';
const HtmlPage = { description: HTML, content: { 'text/html': { schema: Type.String() } } };
const CACHE = 'public, max-age=300, must-revalidate';

const date = (value: string | null) => (value ? value.slice(0, 10) : '');
const sendPage = (reply: FastifyReply, body: string) => reply.type(HTML).header('cache-control', CACHE).send(body);

function severityBadge(severity: string): SafeHtml {
  return html`<span class="sev sev-${severity}">${severity}</span>`;
}

/** Query values from a GET form: one string each, or absent. */
function param(query: unknown, name: string, max = 200): string | undefined {
  const value = (query as Record<string, unknown>)[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  if (text.length > max) throw invalid(`/${name}`, `must be at most ${max} characters`);
  return text.trim();
}

function intParam(query: unknown, name: string, min: number, max: number): number | undefined {
  const text = param(query, name, 10);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw invalid(`/${name}`, `must be a whole number from ${min} to ${max}`);
  return Number(text);
}

function contentSections(content: ContentView): SafeHtml {
  return html`
<h2>Summary</h2>
${trusted(content.summary.html)}
<h2>Affected products</h2>
<table><thead><tr><th>Product</th><th>Package</th><th>Status</th><th>Versions</th><th>Fixed in</th></tr></thead><tbody>
${content.products.map(
  (p) => html`<tr><td>${p.vendor} ${p.product}</td><td>${p.ecosystem ? html`${p.ecosystem}: <code>${p.packageName}</code>` : ''}${p.purl ? html`<br><code>${p.purl}</code>` : ''}</td>
<td>${p.status === 'affected' ? 'affected' : html`not affected (${p.justification?.replace(/_/g, ' ')})`}</td>
<td>${[...p.rangeLabels, ...p.versions].map((v) => html`<code>${v}</code><br>`)}</td><td>${p.fixedVersions.map((v) => html`<code>${v}</code><br>`)}</td></tr>`,
)}
</tbody></table>
${content.vulnerabilities.map(
  (v) => html`<h2>${v.cve ?? 'Vulnerability'}${v.title ? html`: ${v.title}` : ''}</h2>
<dl class="facts">
${v.cve ? html`<dt>CVE</dt><dd><a href="https://www.cve.org/CVERecord?id=${v.cve}">${v.cve}</a></dd>` : ''}
${v.cwes.map((c) => html`<dt>Weakness</dt><dd><a href="https://cwe.mitre.org/data/definitions/${c.id}.html">CWE-${c.id}</a> ${c.name}</dd>`)}
${v.cvss.map((s) => html`<dt>CVSS ${s.version}</dt><dd>${s.score} ${severityBadge(s.severity.toLowerCase())} <code>${s.vector}</code></dd>`)}
</dl>
${trusted(v.description.html)}`,
)}
${content.workarounds.markdown ? html`<h2>Workarounds</h2>${trusted(content.workarounds.html)}` : ''}
${content.references.length ? html`<h2>References</h2><ul>${content.references.map((r) => html`<li><a href="${r.url}" rel="nofollow noopener noreferrer">${r.summary || r.url}</a></li>`)}</ul>` : ''}
${content.credits.length ? html`<h2>Credits</h2><ul>${content.credits.map((c) => html`<li>${c.name}${c.kind === 'system' ? ' (automated)' : ''}</li>`)}</ul>` : ''}`;
}

/**
 * The public, server-rendered pages: /security (the disclosure policy), /advisories (search and
 * filters as a plain GET form) and one page per advisory, the Atom feed, and their stylesheet.
 * Registered at the root before the SPA's fallback, so these paths are never the SPA.
 */
export async function publicPagesRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const organisation = async () => (await readSettings(context, context.db)).organisationName;

  app.get(PUBLIC_CSS_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PUBLIC_CSS),
  );

  app.get('/security', { schema: { tags: ['public'], summary: 'The security policy page (HTML, no JavaScript)', security: [], response: { 200: HtmlPage } } }, async (_request, reply) => {
    const [sections, programs, org] = await Promise.all([policyPage(context, context.db), listVisiblePrograms(context.db, ANONYMOUS), organisation()]);
    const body = html`<h1>Security at ${org}</h1>
<p>How to tell us about vulnerabilities and incidents, what we do with what you tell us, and where we publish our <a href="/advisories">security advisories</a>.</p>
${sections.map(
  (s) => html`<section class="policy" id="${s.section.replace(/_/g, '-')}">
<h2>${s.title}</h2>
${trusted(s.body.html)}
${s.section === 'bug_bounty' ? (programs.length ? html`<ul>${programs.map((p) => html`<li><a href="/programs/${encodeURIComponent(p.slug)}">${p.name}</a> (${p.kind === 'bounty' ? 'bug bounty' : 'vulnerability disclosure programme'})</li>`)}</ul>` : html`<p>No public programme is open at the moment.</p>`) : ''}
<p class="updated">${s.updatedAt ? html`Updated ${date(s.updatedAt)} (version ${s.version})` : 'Default text'}</p>
</section>`,
)}`;
    return sendPage(reply, page({ title: 'Security policy', organisation: org, body, description: `${org}'s coordinated vulnerability disclosure policy` }));
  });

  app.get('/advisories', { schema: { tags: ['public'], summary: 'Published advisories: search and filter by product, severity and year (HTML GET form)', security: [], response: { 200: HtmlPage, ...errors(400) } } }, async (request, reply) => {
    const filter = {
      q: param(request.query, 'q'),
      product: param(request.query, 'product'),
      severity: param(request.query, 'severity', 20),
      year: intParam(request.query, 'year', 1990, 9999),
      page: intParam(request.query, 'page', 1, 10_000),
    };
    const [result, facets, org] = await Promise.all([listAdvisories(context, context.db, ANONYMOUS, filter), advisoryFacets(context.db), organisation()]);
    const selected = (a: unknown, b: unknown) => (a === b ? trusted(' selected') : '');
    const query = (pageNo: number) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...filter, page: pageNo })) if (v !== undefined) qs.set(k, String(v));
      return `/advisories?${qs.toString()}`;
    };
    const pages = Math.ceil(result.total / result.pageSize);
    const body = html`<h1>Security advisories</h1>
<form class="filters" method="get" action="/advisories">
<label>Search <input type="search" name="q" value="${filter.q ?? ''}" maxlength="200"></label>
<label>Product <select name="product"><option value="">any</option>${facets.products.map((p) => html`<option${selected(p, filter.product)}>${p}</option>`)}</select></label>
<label>Severity <select name="severity"><option value="">any</option>${SEVERITIES.map((s) => html`<option${selected(s, filter.severity)}>${s}</option>`)}</select></label>
<label>Year <select name="year"><option value="">any</option>${facets.years.map((y) => html`<option${selected(y, filter.year)}>${y}</option>`)}</select></label>
<button type="submit">Filter</button>
</form>
<p class="meta">${result.total} advisor${result.total === 1 ? 'y' : 'ies'} · <a href="/advisories/feed.atom">Atom feed</a> · <a href="/.well-known/csaf/provider-metadata.json">CSAF</a> · <a href="/api/v1/advisories/osv">OSV</a></p>
<table><thead><tr><th>Advisory</th><th>Title</th><th>Severity</th><th>CVE</th><th>Updated</th></tr></thead><tbody>
${result.items.map(
  (a) => html`<tr><td><a href="${advisoryPagePath(a.id)}">${a.id}</a></td><td>${a.title}</td><td>${severityBadge(a.severity)}</td><td>${a.cves.join(', ')}</td><td>${date(a.currentReleaseAt)}</td></tr>`,
)}
</tbody></table>
${pages > 1 ? html`<p class="pager">${result.page > 1 ? html`<a href="${query(result.page - 1)}">Newer</a>` : ''} <span>page ${result.page} of ${pages}</span> ${result.page < pages ? html`<a href="${query(result.page + 1)}">Older</a>` : ''}</p>` : ''}`;
    return sendPage(reply, page({ title: 'Security advisories', organisation: org, body, feed: true }));
  });

  app.get('/advisories/feed.atom', { schema: { tags: ['public'], summary: 'Published advisories as an Atom feed (RFC 4287)', security: [], response: { 200: { description: 'application/atom+xml', content: { 'application/atom+xml': { schema: Type.String() } } } } } }, async (_request, reply) => {
    const base = context.config.publicUrl;
    const org = await organisation();
    const { items } = await listAdvisories(context, context.db, ANONYMOUS, {});
    const entries = [];
    for (const item of items) {
      const row = (await findAdvisory(context.db, item.id))!;
      const summary = rendered((await publishedContent(context.db, row)).summary);
      entries.push(`<entry>
<id>${xmlText(`${base}${advisoryPagePath(item.id)}`)}</id>
<title>${xmlText(`${item.id}: ${item.title}`)}</title>
<link rel="alternate" type="text/html" href="${xmlText(`${base}${advisoryPagePath(item.id)}`)}"/>
<link rel="alternate" type="application/json" href="${xmlText(`${base}${csafDocumentPath(item.id, item.initialReleaseAt!)}`)}"/>
<published>${xmlText(item.initialReleaseAt)}</published>
<updated>${xmlText(item.currentReleaseAt)}</updated>
<category term="${xmlText(item.severity)}" label="severity"/>
${item.cves.map((cve) => `<category term="${xmlText(cve)}" label="CVE"/>`).join('')}
<summary type="text">${xmlText(summary.markdown.slice(0, 1000))}</summary>
<content type="html">${xmlText(summary.html)}</content>
</entry>`);
    }
    const updated = items[0]?.currentReleaseAt ?? new Date(0).toISOString();
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xmlText(`${base}/advisories`)}</id>
<title>${xmlText(`${org} security advisories`)}</title>
<link rel="self" href="${xmlText(`${base}/advisories/feed.atom`)}"/>
<link rel="alternate" type="text/html" href="${xmlText(`${base}/advisories`)}"/>
<author><name>${xmlText(org)}</name></author>
<updated>${xmlText(updated)}</updated>
${entries.join('\n')}
</feed>
`;
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', CACHE).send(xml);
  });

  app.get('/advisories/:id', { schema: { tags: ['public'], summary: 'One published advisory (HTML, no JavaScript)', security: [], params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: HtmlPage, ...errors(404) } } }, async (request, reply) => {
    // Drafts do not exist for the public.
    const row = await getAdvisory(context.db, ANONYMOUS, (request.params as { id: string }).id);
    const [content, revisions, org] = await Promise.all([publishedContent(context.db, row), findRevisions(context.db, row.id), organisation()]);
    const view = presentContent(content);
    const csaf = csafDocumentPath(row.tracking_id, row.initial_release_at!);
    const body = html`<p class="meta"><a href="/advisories">Advisories</a> / ${row.tracking_id}</p>
<h1>${row.tracking_id}: ${content.title}</h1>
<dl class="facts">
<dt>Severity</dt><dd>${severityBadge(view.severity)}</dd>
<dt>Published</dt><dd>${date(row.initial_release_at)}</dd>
<dt>Updated</dt><dd>${date(row.current_release_at)} (revision ${row.revision})</dd>
<dt>Machine-readable</dt><dd><a href="${csaf}">CSAF 2.0</a> (<a href="${csaf}.asc">signature</a>, <a href="${csaf}.sha256">SHA-256</a>)${osvAffected(content).length ? html` · <a href="/api/v1/advisories/${row.tracking_id}/osv">OSV</a>` : ''}</dd>
</dl>
${contentSections(view)}
<h2>Revision history</h2>
<table><thead><tr><th>Revision</th><th>Date</th><th>What changed</th></tr></thead><tbody>
${[...revisions].reverse().map((r) => html`<tr><td>${r.number}</td><td>${date(r.published_at)}</td><td>${r.summary}</td></tr>`)}
</tbody></table>`;
    return sendPage(reply, page({ title: `${row.tracking_id}: ${content.title}`, organisation: org, body, feed: true, description: content.title }));
  });
}
