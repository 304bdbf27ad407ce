import MarkdownIt from 'markdown-it';

/**
 * Markdown from reporters, vendors and staff, rendered safely by construction: raw HTML is not
 * parsed (it comes out as text), links may only be http(s) or mailto (no javascript:, data:,
 * vbscript: or file:), and images never load — a remote image in a report would tell its author
 * who opened it and when — so they become plain links. Code blocks are kept. Nothing in the
 * output can carry a script or an event handler: every attribute markdown-it writes is escaped.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

const SAFE_LINK = /^(https?:|mailto:)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
// linkify must follow the same rule (it would otherwise accept e.g. ftp:).
md.linkify.set({ fuzzyEmail: false });

md.renderer.rules.image = (tokens, index, _options, _env, self) => {
  const token = tokens[index]!;
  const src = token.attrGet('src') ?? '';
  const alt = self.renderInlineAsText(token.children ?? [], md.options, {});
  const label = md.utils.escapeHtml(alt || src);
  if (!SAFE_LINK.test(src)) return label;
  return `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener noreferrer" class="image-link">[image: ${label}]</a>`;
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
md.renderer.rules.link_open = (tokens, index, options, env, self) => {
  tokens[index]!.attrSet('rel', 'nofollow noopener noreferrer');
  return defaultLinkOpen(tokens, index, options, env, self);
};

/** Largest Markdown source rendered; callers enforce their own (smaller) field limits. */
const MAX_SOURCE = 1_000_000;

export function renderMarkdown(source: string): string {
  return md.render(source.length > MAX_SOURCE ? source.slice(0, MAX_SOURCE) : source);
}

/** Markdown as written beside its safe rendering: the shape every API answer carrying Markdown uses. */
export interface Rendered {
  markdown: string;
  html: string;
}

export function rendered(markdown: string): Rendered {
  return { markdown, html: renderMarkdown(markdown) };
}
