// `node --import tsx bench/lib/cpu-profile-top.ts <file.cpuprofile> [top=25] [filter]`: the functions with
// the most self time in a V8 CPU profile (from `node --cpu-prof`), plus self time per package/folder.
// A filter (substring of the script URL, e.g. "electron/") limits the function list to our code.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpu-profile-top.ts <file.cpuprofile> [top] [url-filter]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = profile.endTime - profile.startTime;

function where(url: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const ours = /\/work\/main\/(.+)$/.exec(url.replace(/^file:\/\//, ''));
  if (ours) return ours[1] as string;
  return url === '' ? '(native/vm)' : url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

const fns = new Map<string, number>();
const groups = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const w = where(n.callFrame.url);
  const group = w.includes('/') && !w.startsWith('@') ? w.split('/').slice(0, 2).join('/') : w;
  groups.set(group, (groups.get(group) ?? 0) + us);
  if (filter && !n.callFrame.url.includes(filter)) continue;
  const key = `${n.callFrame.functionName || '(anonymous)'}  ${w}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
}
// Inclusive (self + callees) time per function, each sample counted once per function on its stack;
// for async functions this covers their synchronous slices only.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
profile.samples.forEach((leaf, i) => {
  const seen = new Set<string>();
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id);
    if (!n || (filter && !n.callFrame.url.includes(filter))) continue;
    const k = keyOf(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});
const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms`;
console.log(`profile: ${(totalUs / 1000).toFixed(0)} ms wall, ${profile.samples.length} samples\n\nself time by package / folder:`);
for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(us)}  ${g}`);
console.log(`\ntop ${top} functions by self time${filter ? ` (url contains "${filter}")` : ''}:`);
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
console.log(`\ntop ${top} functions by inclusive time${filter ? ` (url contains "${filter}")` : ''}:`);
for (const [k, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
