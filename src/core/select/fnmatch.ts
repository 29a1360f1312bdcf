/**
 * Python's `fnmatch.fnmatch` and `pathlib.Path.glob`, as dbt's selector methods use them.
 * dbt matches names with fnmatch (where `*` also crosses `.` and `/`) and paths with pathlib's
 * glob (segment-wise, `**` = any number of directories), so picomatch's semantics would differ.
 */

const cache = new Map<string, RegExp>();

/** True when `name` matches the shell-style `pattern` exactly as Python's fnmatch does on POSIX. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${translate(pattern)})$`, 'su');
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re.test(name);
}

export const hasWildcard = (s: string): boolean => /[*?[\]]/.test(s);

/** Port of `fnmatch.translate`: `*`, `?`, `[seq]`, `[!seq]`; an unclosed `[` is literal. */
function translate(pat: string): string {
  const chars = [...pat];
  const n = chars.length;
  let out = '';
  let i = 0;
  while (i < n) {
    const c = chars[i++]!;
    if (c === '*') {
      while (chars[i] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (chars[j] === '!') j++;
      if (chars[j] === ']') j++;
      while (j < n && chars[j] !== ']') j++;
      if (j >= n) {
        out += '\\[';
      } else {
        out += charClass(chars.slice(i, j));
        i = j + 1;
      }
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

function charClass(stuff: string[]): string {
  if (stuff.length === 0) return '(?!)';
  if (stuff.length === 1 && stuff[0] === '!') return '.';
  const negate = stuff[0] === '!';
  const body = negate ? stuff.slice(1) : stuff;
  let cls = '';
  for (let k = 0; k < body.length; k++) {
    const lo = body[k]!;
    // `a-z` is a range unless the dash is first or last, as in Python's re character sets.
    if (body[k + 1] === '-' && k + 2 < body.length) {
      const hi = body[k + 2]!;
      if (lo.codePointAt(0)! <= hi.codePointAt(0)!) cls += `${escapeInClass(lo)}-${escapeInClass(hi)}`;
      k += 2; // Python drops reversed ranges such as `z-a`
    } else {
      cls += escapeInClass(lo);
    }
  }
  if (cls === '') return negate ? '.' : '(?!)';
  return `[${negate ? '^' : ''}${cls}]`;
}

// `-` is literal outside a class, and escaping it is a syntax error under the `u` flag
const escapeChar = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeInClass = (c: string): string => c.replace(/[\\\]^[-]/g, '\\$&');

/**
 * The set of paths (project-relative, `/`-separated) among `candidates` that `Path(root).glob(pattern)`
 * would return. `candidates` must hold every file of interest and all of their parent directories,
 * down to the project root itself as `''` (which a bare `**` matches, selecting everything).
 * `**` matches only directories (zero or more levels), as in Python 3.11's pathlib.
 */
export function globPaths(pattern: string, candidates: ReadonlyMap<string, 'file' | 'dir'>): Set<string> {
  const segs = splitPath(pattern);
  const out = new Set<string>();
  for (const [path, kind] of candidates) {
    if (matchSegments(segs, splitPath(path), kind)) out.add(path);
  }
  return out;
}

export function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}

function matchSegments(pat: readonly string[], path: readonly string[], kind: 'file' | 'dir'): boolean {
  if (pat.length === 0) return path.length === 0;
  const [head, ...rest] = pat;
  if (head === '**') {
    // zero or more directory levels; a trailing `**` only yields directories
    if (rest.length === 0) return kind === 'dir';
    for (let skip = 0; skip < path.length; skip++) {
      if (matchSegments(rest, path.slice(skip), kind)) return true;
    }
    return false;
  }
  if (path.length === 0) return false;
  return fnmatch(path[0]!, head!) && matchSegments(rest, path.slice(1), kind);
}
