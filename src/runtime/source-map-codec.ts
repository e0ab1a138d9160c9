// Source map "mappings" as the Source Map v3 format encodes them (base64 VLQ): decoded into
// absolute segments per generated line so compile.ts can move lines, and encoded back.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** [generatedColumn, sourceIndex, originalLine, originalColumn], all absolute and 0-based. */
export type Segment = [number, number, number, number];

export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let origLine = 0;
  let origCol = 0;
  for (const lineText of mappings.split(';')) {
    const segments: Segment[] = [];
    let genCol = 0;
    for (const segText of lineText.split(',')) {
      if (segText === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segText) {
        const digit = B64.indexOf(ch);
        if (digit < 0) throw new Error(`bad source map character ${ch}`);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0] ?? 0;
      if (fields.length < 4) continue; // a segment without an original position carries nothing
      source += fields[1] ?? 0;
      origLine += fields[2] ?? 0;
      origCol += fields[3] ?? 0;
      segments.push([genCol, source, origLine, origCol]);
    }
    lines.push(segments);
  }
  return lines;
}

function encodeVlq(n: number): string {
  let value = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = value & 31;
    value >>>= 5;
    if (value > 0) digit |= 32;
    out += B64[digit];
  } while (value > 0);
  return out;
}

export function encodeMappings(lines: Segment[][]): string {
  let prevSource = 0;
  let prevLine = 0;
  let prevCol = 0;
  return lines
    .map((segments) => {
      let prevGen = 0;
      return segments
        .map(([gen, src, line, col]) => {
          const text =
            encodeVlq(gen - prevGen) +
            encodeVlq(src - prevSource) +
            encodeVlq(line - prevLine) +
            encodeVlq(col - prevCol);
          prevGen = gen;
          prevSource = src;
          prevLine = line;
          prevCol = col;
          return text;
        })
        .join(',');
    })
    .join(';');
}
