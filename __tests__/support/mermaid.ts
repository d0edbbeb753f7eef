import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** A node of a flowchart as Mermaid read it: its label as shown, and its shape (`round`, `cylinder`, ...). */
export interface MermaidNode {
  readonly id: string;
  readonly text: string;
  readonly shape: string;
}

/** An edge of a flowchart as Mermaid read it: its label as shown, and its stroke (`normal`, `dotted`). */
export interface MermaidEdge {
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly stroke: string;
}

/** What Mermaid's parser made of a diagram: its type with, for a flowchart, its nodes and edges; or the parse error. */
export type MermaidParse = { readonly diagramType: string; readonly nodes?: MermaidNode[]; readonly edges?: MermaidEdge[] } | { readonly error: string };

/** Parses each diagram with Mermaid's own parser (the dev dependency), in one process for all of them. */
export function parseMermaid(diagrams: readonly string[]): MermaidParse[] {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the Mermaid parser did not run (status ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as MermaidParse[];
}
