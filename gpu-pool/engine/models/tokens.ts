import { readFileSync } from 'node:fs';

/**
 * tokens.txt as sherpa-onnx reads it: one "symbol id" per line. A line holding only an id is
 * the T-one convention for the word separator (a space, which the split would swallow).
 */
export interface TokenTable {
  symbols: string[];
  blankId: number;
  /** Token ids that are pure word separators (" " in T-one vocabularies). */
  separatorIds: Set<number>;
}

export function readTokens(path: string): TokenTable {
  const text = readFileSync(path, 'utf8');
  const symbols: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const m = /^(.*?)[ \t]+(\d+)$/.exec(line);
    let sym: string;
    let id: number;
    if (m) {
      sym = m[1];
      id = Number(m[2]);
    } else if (/^\s*\d+\s*$/.test(line)) {
      sym = ' ';
      id = Number(line.trim());
    } else throw new Error(`tokens.txt: cannot parse line ${JSON.stringify(line)}`);
    symbols[id] = sym;
  }
  if (symbols.length === 0) throw new Error('tokens.txt is empty');
  for (let i = 0; i < symbols.length; i++) if (symbols[i] === undefined) symbols[i] = '';
  let blankId = symbols.findIndex((s) => s === '<blk>' || s === '<blank>' || s === '<eps>');
  if (blankId < 0) blankId = 0;
  const separatorIds = new Set<number>();
  symbols.forEach((s, i) => {
    if (s === ' ' || s === '▁' || s === '|') separatorIds.add(i);
  });
  return { symbols, blankId, separatorIds };
}
