/**
 * A tiny XML Schema checker: enough of XSD 1.0 for fixtures/report/junit.xsd (global elements and refs, inline
 * complex types, sequence and choice with occurrence bounds, mixed content, typed attributes). Anything else in
 * a schema is refused rather than silently ignored.
 */
import { elements, parseXml, textOf, type XmlElement } from './xml.js';

type Particle =
  | { kind: 'element'; name: string; decl: () => ElementDecl; min: number; max: number }
  | { kind: 'sequence' | 'choice'; items: Particle[]; min: number; max: number };

interface ElementDecl {
  name: string;
  /** A simple type (text only) or a complex type. */
  simple?: string;
  complex?: { mixed: boolean; attributes: Map<string, { type: string; required: boolean }>; content: Particle | null };
}

const SIMPLE: Record<string, RegExp> = {
  'xs:string': /^[\s\S]*$/,
  'xs:decimal': /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  'xs:nonNegativeInteger': /^\+?\d+$/,
  'xs:dateTime': /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
};

export class Schema {
  private readonly globals = new Map<string, ElementDecl>();

  constructor(xsdText: string) {
    const root = parseXml(xsdText);
    if (root.name !== 'xs:schema') throw new Error('not an xs:schema');
    for (const child of elements(root)) {
      if (child.name !== 'xs:element') throw new Error(`unsupported top-level ${child.name}`);
      const decl = this.elementDecl(child);
      this.globals.set(decl.name, decl);
    }
  }

  /** Every problem found, as "path: problem"; empty when the document is valid. */
  validate(xmlText: string): string[] {
    const errors: string[] = [];
    let root: XmlElement;
    try {
      root = parseXml(xmlText);
    } catch (error) {
      return [`not well-formed: ${(error as Error).message}`];
    }
    const decl = this.globals.get(root.name);
    if (!decl) return [`root element <${root.name}> is not declared`];
    this.check(root, decl, `/${root.name}`, errors);
    return errors;
  }

  private check(node: XmlElement, decl: ElementDecl, path: string, errors: string[]): void {
    const kids = elements(node);
    const text = node.children.filter((c) => 'text' in c).map((c) => (c as { text: string }).text).join('');
    if (decl.simple) {
      if (kids.length) errors.push(`${path}: has child elements but is a ${decl.simple}`);
      if (!SIMPLE[decl.simple]!.test(textOf(node))) errors.push(`${path}: text is not a ${decl.simple}`);
      if (node.attrs.size) errors.push(`${path}: has attributes but declares none`);
      return;
    }
    const type = decl.complex!;
    for (const [name, value] of node.attrs) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const a = type.attributes.get(name);
      if (!a) errors.push(`${path}: attribute ${name} is not declared`);
      else if (!SIMPLE[a.type]!.test(value)) errors.push(`${path}/@${name}: ${JSON.stringify(value)} is not a ${a.type}`);
    }
    for (const [name, a] of type.attributes) if (a.required && !node.attrs.has(name)) errors.push(`${path}: required attribute ${name} missing`);
    if (!type.mixed && text.trim() !== '') errors.push(`${path}: text is not allowed here`);
    const names = kids.map((k) => k.name);
    if (!type.content) {
      if (kids.length) errors.push(`${path}: no child elements allowed, found <${names[0]}>`);
      return;
    }
    if (!matchRepeated(type.content, names, 0).includes(names.length)) {
      errors.push(`${path}: children [${names.join(', ')}] do not match the content model`);
      return;
    }
    const declsByName = new Map<string, () => ElementDecl>();
    collectDecls(type.content, declsByName);
    const counts = new Map<string, number>();
    for (const k of kids) {
      const n = (counts.get(k.name) ?? 0) + 1;
      counts.set(k.name, n);
      this.check(k, declsByName.get(k.name)!(), `${path}/${k.name}[${n}]`, errors);
    }
  }

  private elementDecl(node: XmlElement): ElementDecl {
    const name = node.attrs.get('name');
    if (!name) throw new Error('xs:element without a name');
    const type = node.attrs.get('type');
    if (type) {
      if (!SIMPLE[type]) throw new Error(`unsupported type ${type}`);
      return { name, simple: type };
    }
    const ct = elements(node, 'xs:complexType')[0];
    if (!ct) return { name, simple: 'xs:string' };
    const attributes = new Map<string, { type: string; required: boolean }>();
    let content: Particle | null = null;
    for (const child of elements(ct)) {
      if (child.name === 'xs:attribute') {
        const t = child.attrs.get('type') ?? 'xs:string';
        if (!SIMPLE[t]) throw new Error(`unsupported attribute type ${t}`);
        attributes.set(child.attrs.get('name')!, { type: t, required: child.attrs.get('use') === 'required' });
      } else if (child.name === 'xs:sequence' || child.name === 'xs:choice') content = this.particle(child);
      else throw new Error(`unsupported ${child.name} in xs:complexType`);
    }
    return { name, complex: { mixed: ct.attrs.get('mixed') === 'true', attributes, content } };
  }

  private particle(node: XmlElement): Particle {
    const min = Number(node.attrs.get('minOccurs') ?? 1);
    const maxRaw = node.attrs.get('maxOccurs') ?? '1';
    const max = maxRaw === 'unbounded' ? Infinity : Number(maxRaw);
    if (node.name === 'xs:element') {
      const ref = node.attrs.get('ref');
      if (ref) return { kind: 'element', name: ref, min, max, decl: () => this.globals.get(ref) ?? fail(`unknown ref ${ref}`) };
      const local = this.elementDecl(node);
      return { kind: 'element', name: local.name, min, max, decl: () => local };
    }
    if (node.name === 'xs:sequence' || node.name === 'xs:choice') {
      return { kind: node.name === 'xs:sequence' ? 'sequence' : 'choice', items: elements(node).map((c) => this.particle(c)), min, max };
    }
    throw new Error(`unsupported ${node.name} in a content model`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** End positions reachable by matching p (with its occurrence bounds) from position i. */
function matchRepeated(p: Particle, names: string[], i: number): number[] {
  const ends = new Set<number>();
  let frontier = new Set([i]);
  if (p.min === 0) ends.add(i);
  for (let count = 1; count <= p.max && frontier.size; count++) {
    const next = new Set<number>();
    for (const pos of frontier) for (const e of matchOnce(p, names, pos)) if (e > pos || count <= p.min) next.add(e);
    if (count >= p.min) for (const e of next) ends.add(e);
    frontier = next;
    if (count > names.length + p.min) break;
  }
  return [...ends];
}

function matchOnce(p: Particle, names: string[], i: number): number[] {
  if (p.kind === 'element') return names[i] === p.name ? [i + 1] : [];
  if (p.kind === 'choice') return [...new Set(p.items.flatMap((item) => matchRepeated(item, names, i)))];
  let positions = [i];
  for (const item of p.items) positions = [...new Set(positions.flatMap((pos) => matchRepeated(item, names, pos)))];
  return positions;
}

function collectDecls(p: Particle, out: Map<string, () => ElementDecl>): void {
  if (p.kind === 'element') out.set(p.name, p.decl);
  else for (const item of p.items) collectDecls(item, out);
}
