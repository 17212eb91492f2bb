/**
 * The one escape function of every report format. Whatever came from a device or a config file goes through it,
 * in text and in quoted attributes alike, in HTML and in XML: `& < > " '` become entities, and characters XML 1.0
 * cannot carry (control bytes, lone surrogates, U+FFFE/U+FFFF) become a visible `\xNN` / `\uNNNN`.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const UNSAFE = /[&<>"']|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function esc(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text.replace(UNSAFE, (ch) => {
    const entity = ENTITIES[ch];
    if (entity) return entity;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
