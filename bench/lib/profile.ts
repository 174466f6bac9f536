import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './children';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  readonly name: string;
  /** Share of the busy (non-idle) samples, in percent. */
  readonly percent: number;
  /** Sampled time, microseconds. */
  readonly micros: number;
}

export interface ProfileSummary {
  readonly seconds: number;
  /** Sampled time not idle, microseconds. */
  readonly busyMicros: number;
  /** Self time by function, busiest first. */
  readonly functions: ProfileEntry[];
  /** Self time by where the code lives: a package, a file of this repository, node internals. */
  readonly places: ProfileEntry[];
  /** Time inside (self + callees, synchronous part only) of functions whose names match. */
  readonly inclusive: ProfileEntry[];
}

/** Where a frame's code lives, coarse enough to add up. */
export function placeOf(url: string, functionName: string): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  if (path.startsWith('node:')) return 'node (internals)';
  if (path.startsWith('/')) return relative(ROOT, path);
  return 'node (internals)';
}

/** Summarises a V8 .cpuprofile written by `node --cpu-prof`. */
export function summariseProfile(
  file: string,
  inclusiveNames: readonly string[] = [],
  top = 15,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  // The profiler's own start (an inspector call that blocks while V8 sets up) is not the app's.
  const ownFrames = new Set<number>();
  const markOwn = (id: number, inside: boolean) => {
    const node = byId.get(id)!;
    const own = inside || node.callFrame.url === 'node:inspector';
    if (own) ownFrames.add(id);
    for (const child of node.children ?? []) markOwn(child, own);
  };
  markOwn(profile.nodes[0].id, false);
  const selfTime = new Map<number, number>();
  // A sample stands for the time until the next one (as in Chrome's DevTools).
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i];
    if (ownFrames.has(id)) continue;
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  let idle = 0;
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === '(idle)') idle += selfTime.get(node.id) ?? 0;
  }
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0) - idle || 1;

  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id) ?? 0;
    if (time === 0 || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const place = placeOf(url, functionName);
    const name = url
      ? `${functionName || '(anonymous)'} — ${place}${place.includes('/') || place.endsWith('.ts') ? `:${lineNumber + 1}` : ''}`
      : functionName || '(anonymous)';
    functions.set(name, (functions.get(name) ?? 0) + time);
    places.set(place, (places.get(place) ?? 0) + time);
  }

  // Inclusive time: a subtree counts once per matching name even when the name recurses.
  const inclusive = new Map<string, number>();
  const subtree = (id: number): number => {
    const node = byId.get(id)!;
    return (
      (selfTime.get(id) ?? 0) +
      (node.children ?? []).reduce((sum, child) => sum + subtree(child), 0)
    );
  };
  const walk = (id: number, inside: ReadonlySet<string>) => {
    const node = byId.get(id)!;
    let now = inside;
    for (const wanted of inclusiveNames) {
      if (!inside.has(wanted) && node.callFrame.functionName === wanted) {
        inclusive.set(wanted, (inclusive.get(wanted) ?? 0) + subtree(id));
        now = new Set([...now, wanted]);
      }
    }
    for (const child of node.children ?? []) walk(child, now);
  };
  if (inclusiveNames.length > 0) walk(profile.nodes[0].id, new Set());

  const ranked = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, time]) => ({ name, percent: (100 * time) / total, micros: time }));
  return {
    seconds: (profile.endTime - profile.startTime) / 1e6,
    busyMicros: total,
    functions: ranked(functions, top),
    places: ranked(places, top),
    inclusive: inclusiveNames.map((name) => ({
      name,
      percent: (100 * (inclusive.get(name) ?? 0)) / total,
      micros: inclusive.get(name) ?? 0,
    })),
  };
}
