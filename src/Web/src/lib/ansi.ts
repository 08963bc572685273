// ANSI colour codes (SGR: ESC [ … m) in step logs turned into text pieces with CSS classes. The text is only ever
// put into the page as text: a log is pipeline output, and pipeline code is untrusted.

export interface Piece {
  text: string;
  /** Space-separated classes: ansi-bold, ansi-fg-1 … ansi-fg-15, ansi-bg-0 … ansi-bg-15. */
  classes: string;
}

interface Style {
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  fg: number | null;
  bg: number | null;
}

const plain = (): Style => ({ bold: false, dim: false, italic: false, underline: false, fg: null, bg: null });

// Any escape sequence: CSI (ESC [ params final), OSC (ESC ] … BEL or ESC \) and two-character escapes.
const escapes = /\u001b(?:\[([0-9;:?]*)([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

/** Splits one line into styled pieces; escape sequences other than colours are dropped. */
export function parseAnsi(line: string): Piece[] {
  if (!line.includes('\u001b')) return line ? [{ text: line, classes: '' }] : [];
  const pieces: Piece[] = [];
  let style = plain();
  let at = 0;
  for (const found of line.matchAll(escapes)) {
    const index = found.index ?? 0;
    if (index > at) pieces.push({ text: line.slice(at, index), classes: classesOf(style) });
    at = index + found[0].length;
    if (found[2] === 'm') style = applySgr(style, found[1] ?? '');
  }
  if (at < line.length) pieces.push({ text: line.slice(at), classes: classesOf(style) });
  return pieces;
}

/** The text without any escape sequence (what search and copy see). */
export function stripAnsi(line: string): string {
  return line.includes('\u001b') ? line.replace(escapes, '') : line;
}

function applySgr(current: Style, params: string): Style {
  const style = { ...current };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) Object.assign(style, plain());
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) style.bg = null;
    else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i + 1);
      i += used;
      if (code === 38) style.fg = colour;
      else style.bg = colour;
    }
  }
  return style;
}

/** 38;5;n and 38;2;r;g;b, mapped onto the 16 themed colours so every colour keeps its contrast. */
function extendedColour(codes: number[], at: number): [number | null, number] {
  if (codes[at] === 5) {
    const n = codes[at + 1] ?? 0;
    if (n < 16) return [n, 2];
    if (n >= 232) return [n < 244 ? 8 : 7, 2];
    const cube = n - 16;
    return [nearestBasic(Math.floor(cube / 36) * 51, Math.floor((cube % 36) / 6) * 51, (cube % 6) * 51), 2];
  }
  if (codes[at] === 2) return [nearestBasic(codes[at + 1] ?? 0, codes[at + 2] ?? 0, codes[at + 3] ?? 0), 4];
  return [null, 0];
}

function nearestBasic(r: number, g: number, b: number): number {
  const bright = Math.max(r, g, b) > 170;
  const bit = (v: number) => (v > 100 ? 1 : 0);
  const index = bit(r) | (bit(g) << 1) | (bit(b) << 2);
  return index + (bright && index !== 0 ? 8 : 0);
}

function classesOf(style: Style): string {
  const classes: string[] = [];
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.fg !== null) classes.push(`ansi-fg-${style.fg}`);
  if (style.bg !== null) classes.push(`ansi-bg-${style.bg}`);
  return classes.join(' ');
}
