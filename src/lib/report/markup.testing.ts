/** Test helpers for generated HTML and SVG: hostile text, its escaped form, and a tag-balance check. */

export const EVIL = `<script>alert(1)</script>"'&`;
export const EVIL_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;';

const TAG = /<(\/?)([a-zA-Z][\w:-]*)\b[^<>]*?(\/?)>/g;
const VOIDS = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr']);

/**
 * Tags balance (void HTML elements and `/>` aside) and no stray "<" is left outside tags (it would
 * mean unescaped text); returns the first problem, or null.
 */
export function tagProblem(markup: string): string | null {
  const stack: string[] = [];
  for (const m of markup.matchAll(TAG)) {
    const [, closing, name, selfClosing] = m;
    const tag = name.toLowerCase();
    if (selfClosing || VOIDS.has(tag)) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) return `unexpected </${tag}> at ${m.index}: ${markup.slice(Math.max(0, m.index - 80), m.index + 20)}`;
  }
  if (stack.length) return `unclosed <${stack.join('>, <')}>`;
  const outside = markup
    .replace(TAG, '')
    .replace(/<!doctype html>/i, '')
    .replace(/<style>[\s\S]*?<\/style>/g, '');
  const stray = outside.search(/</);
  return stray >= 0 ? `stray "<" near ${outside.slice(stray, stray + 40)}` : null;
}
