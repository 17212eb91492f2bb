/**
 * A strict little XML 1.0 reader for the report tests: it rejects what a CI server's parser would reject
 * (characters XML cannot carry, raw '<' or '&' in text, mismatched tags, duplicate attributes) and returns a tree.
 */
export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | { text: string };

export class XmlError extends Error {}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

export function parseXml(source: string): XmlElement {
  for (const ch of source) {
    const code = ch.codePointAt(0)!;
    if (!isXmlChar(code)) throw new XmlError(`character U+${code.toString(16).padStart(4, '0')} is not allowed in XML`);
  }
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (msg: string): never => {
    const line = source.slice(0, i).split('\n').length;
    throw new XmlError(`${msg} (line ${line})`);
  };
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(source[i] ?? '')) i++;
      if (source.startsWith('<?', i)) {
        const end = source.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (source.startsWith('<!--', i)) comment();
      else return;
    }
  };
  const comment = () => {
    const end = source.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    if (source.slice(i + 4, end).includes('--') || source[end - 1] === '-') fail("'--' inside a comment");
    i = end + 3;
  };
  const decode = (raw: string, where: string): string =>
    raw.replace(/&([^;&\s]*);?/g, (m, body: string) => {
      if (!m.endsWith(';')) fail(`bare '&' in ${where}`);
      if (body in ENTITIES) return ENTITIES[body]!;
      const num = /^#x([0-9a-fA-F]+)$/.exec(body) ?? /^#([0-9]+)$/.exec(body);
      if (!num) fail(`unknown entity &${body}; in ${where}`);
      const code = parseInt(num![1]!, body.startsWith('#x') ? 16 : 10);
      if (!isXmlChar(code)) fail(`character reference &${body}; is not an XML character`);
      return String.fromCodePoint(code);
    });
  const element = (): XmlElement => {
    i++; // '<'
    const name = NAME.exec(source.slice(i, i + 200))?.[0];
    if (!name) fail('expected an element name');
    i += name!.length;
    const attrs = new Map<string, string>();
    for (;;) {
      const ws = /^\s*/.exec(source.slice(i, i + 200))![0].length;
      i += ws;
      if (source.startsWith('/>', i)) {
        i += 2;
        return { name: name!, attrs, children: [] };
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      if (!ws) fail('expected whitespace between attributes');
      const an = NAME.exec(source.slice(i, i + 200))?.[0];
      if (!an) fail(`bad attribute in <${name}>`);
      i += an!.length;
      const eq = /^\s*=\s*(["'])/.exec(source.slice(i, i + 50));
      if (!eq) fail(`attribute ${an} of <${name}> has no quoted value`);
      i += eq![0].length;
      const end = source.indexOf(eq![1]!, i);
      if (end < 0) fail('unterminated attribute value');
      const raw = source.slice(i, end);
      if (raw.includes('<')) fail(`'<' inside attribute ${an}`);
      if (attrs.has(an!)) fail(`duplicate attribute ${an}`);
      attrs.set(an!, decode(raw, `attribute ${an}`).replace(/[\t\n\r]/g, ' '));
      i = end + 1;
    }
    const children: XmlNode[] = [];
    for (;;) {
      if (i >= source.length) fail(`<${name}> is not closed`);
      if (source.startsWith('</', i)) {
        i += 2;
        const close = NAME.exec(source.slice(i, i + 200))?.[0];
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += close!.length;
        while (/\s/.test(source[i] ?? '')) i++;
        if (source[i] !== '>') fail('bad closing tag');
        i++;
        return { name: name!, attrs, children };
      }
      if (source.startsWith('<!--', i)) comment();
      else if (source.startsWith('<![CDATA[', i)) {
        const end = source.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA');
        children.push({ text: source.slice(i + 9, end) });
        i = end + 3;
      } else if (source.startsWith('<?', i)) {
        const end = source.indexOf('?>', i);
        i = end < 0 ? fail('unterminated processing instruction') : end + 2;
      } else if (source[i] === '<') children.push(element());
      else {
        const end = source.indexOf('<', i);
        const raw = source.slice(i, end < 0 ? source.length : end);
        if (raw.includes(']]>')) fail("']]>' in text");
        children.push({ text: decode(raw, `text of <${name}>`) });
        i = end < 0 ? source.length : end;
      }
    }
  };
  skipMisc();
  if (source.startsWith('<!DOCTYPE', i)) fail('DOCTYPE is not expected');
  if (source[i] !== '<') fail('expected the root element');
  const root = element();
  skipMisc();
  if (i < source.length) fail('content after the root element');
  return root;
}

export function elements(node: XmlElement, name?: string): XmlElement[] {
  return node.children.filter((c): c is XmlElement => 'name' in c && (name === undefined || c.name === name));
}

export function textOf(node: XmlElement): string {
  return node.children.map((c) => ('text' in c ? c.text : textOf(c))).join('');
}
