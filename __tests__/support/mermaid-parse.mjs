// Parses Mermaid diagrams with Mermaid's own parser, as GitHub does before it draws them. Reads a
// JSON list of diagram texts on stdin; writes a JSON list on stdout, per diagram its parse error,
// or the type Mermaid read (`flowchart-v2`) and, for a flowchart, its nodes and edges with their
// labels as a browser shows them. Run by __tests__/support/mermaid.ts in a process of its own:
// Mermaid is an ES module meant for browsers.
//
// Mermaid cleans each label with DOMPurify, which needs a browser's DOM and has none here. Labels
// are cleaned after they are parsed, so a DOMPurify that returns the text as it is leaves the
// parse exactly as Mermaid does it.
import { register } from 'node:module';

const passThrough = 'export default { isSupported: true, sanitize: (text) => text, addHook() {}, removeHook() {}, removeHooks() {}, removeAllHooks() {} };';
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'dompurify') return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(passThrough)}`)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const { default: mermaid } = await import('mermaid');

/** A label as the browser shows it: Mermaid's entity codes (`#quot;`, `#35;`) decoded. */
const shown = (text) =>
  String(text ?? '')
    .replace(/ﬂ°°/g, '&#')
    .replace(/ﬂ°/g, '&')
    .replace(/¶ß/g, ';')
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&(quot|lt|gt|amp);/g, (_, name) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[name]);

/** The nodes and edges of a flowchart as Mermaid's parser stored them. */
async function flowchart(text) {
  const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
  return {
    nodes: [...db.getVertices().values()].map((v) => ({ id: v.id, text: shown(v.text), shape: v.type ?? 'square' })),
    edges: db.getEdges().map((e) => ({ from: e.start, to: e.end, text: shown(e.text), stroke: e.stroke })),
  };
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const { diagramType } = await mermaid.parse(text);
    results.push({ diagramType, ...(diagramType.startsWith('flowchart') ? await flowchart(text) : {}) });
  } catch (error) {
    results.push({ error: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
