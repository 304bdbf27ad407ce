import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown.js';

describe('renderMarkdown', () => {
  it.each([
    ['<script>alert(1)</script>', '<script'],
    ['<img src=x onerror=alert(1)>', '<img'],
    ['[click](javascript:alert(1))', 'href="javascript'],
    ['[click](JaVaScRiPt:alert(1))', 'href="JaVaScRiPt'],
    ['[click](data:text/html;base64,PHNjcmlwdD4=)', 'href="data:'],
    ['[x](vbscript:msgbox)', 'href="vbscript'],
    ['<a href="https://x" onclick="alert(1)">x</a>', '<a href="https://x" onclick'],
    ['<svg onload=alert(1)>', '<svg'],
    ['<iframe src="https://evil.example"></iframe>', '<iframe'],
    ['[x](https://example.org "t\\" onmouseover=\\"alert(1))', 'onmouseover="'],
  ])('neutralises %s', (source, forbidden) => {
    expect(renderMarkdown(source)).not.toContain(forbidden);
  });

  it('never loads images: they become links', () => {
    const html = renderMarkdown('![tracking pixel](https://tracker.example/p.gif)');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer" class="image-link">[image: tracking pixel]</a>');
    const inline = renderMarkdown('![x](data:image/png;base64,AAAA)');
    expect(inline).not.toContain('<img');
    expect(inline).not.toContain('href="data:');
  });

  it('keeps code blocks, escaped', () => {
    const html = renderMarkdown('```js\nconst a = "<b>";\n```');
    expect(html).toContain('<pre><code class="language-js">const a = &quot;&lt;b&gt;&quot;;\n</code></pre>');
  });

  it('keeps ordinary links, marked nofollow', () => {
    expect(renderMarkdown('see https://example.org/x')).toContain('<a href="https://example.org/x" rel="nofollow noopener noreferrer">');
    expect(renderMarkdown('[mail](mailto:a@example.org)')).toContain('href="mailto:a@example.org"');
  });
});
