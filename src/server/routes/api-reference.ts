import type { FastifyInstance } from 'fastify';

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function schemaBlock(schema: unknown): string {
  return schema ? `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>` : '';
}

/**
 * A readable API reference rendered on the server from the OpenAPI document: no script, so it
 * works under the strict CSP and without JavaScript.
 */
export function renderApiReference(document: { info: { title: string; version: string }; paths: Record<string, Record<string, OpenApiOperation>> }): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''})</li>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<details><summary>${escapeHtml(status)} ${escapeHtml(r.description ?? '')}</summary>${schemaBlock(r.content?.['application/json']?.schema)}</details>`)
        .join('');
      const html = `<section class="op"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body ? `<h4>Request body</h4>${schemaBlock(body)}` : ''}<h4>Responses</h4>${responses}</section>`;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const sections = [...byTag.entries()].map(([tag, ops]) => `<h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('\n')}`).join('\n');
  const toc = [...byTag.keys()].map((tag) => `<a href="#${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API reference</title><link rel="stylesheet" href="/api/docs.css"></head>
<body><main><h1>${escapeHtml(document.info.title)} API <small>${escapeHtml(document.info.version)}</small></h1>
<p>Base path <code>/api/v1</code>. Authenticate with a session cookie (and <code>X-CSRF-Token</code> on writes) or <code>Authorization: Bearer cvd_…</code>.
Every error has the shape <code>{"error":{"code","message","details"}}</code>. Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>.</p>
<nav>${toc}</nav>${sections}</main></body></html>`;
}

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}main{max-width:960px;margin:0 auto;padding:1rem}
pre{background:#f4f5f7;padding:.5rem;overflow:auto;font-size:12px}.op{border-top:1px solid #ddd;padding:.5rem 0}
.method{display:inline-block;min-width:4rem;font-size:12px;padding:2px 6px;border-radius:4px;background:#e8eefc}.post{background:#e6f6ea}.delete{background:#fde8e8}.patch{background:#fff4dc}
@media (prefers-color-scheme: dark){body{background:#111418;color:#e6e6e6}pre{background:#1c2128}.method{background:#24324d}}`;

export async function apiReferenceRoutes(app: FastifyInstance, getDocument: () => unknown): Promise<void> {
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => getDocument());
  app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderApiReference(getDocument() as Parameters<typeof renderApiReference>[0])),
  );
  app.get('/api/docs.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(CSS));
}
