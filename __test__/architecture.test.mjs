// docs/architecture.md cannot go stale: it names every source file of the tree, and every file
// it names exists.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const map = readFileSync(path.join(root, 'docs', 'architecture.md'), 'utf8');

/** Source files under `dir` (relative to the root), recursively. */
const sources = (dir) => {
  const full = path.join(root, dir);
  if (!existsSync(full)) {
    return [];
  }
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      return sources(relative);
    }
    return /\.(rs|js|mjs|cjs|sh|html)$/.test(entry.name) ? [relative] : [];
  });
};

/** The crates whose modules must not import each other in a circle. */
const CRATE_SOURCES = [
  'crates/tencent-sms-core/src',
  'crates/tencent-sms-runtime/src',
  'crates/tencent-sms-tc3/src',
  'crates/tencent-sms-wire/src',
  'crates/tencent-sms-emulator/src',
  'src',
  'emulator/src',
];

test('the architecture map names every source file', () => {
  const tree = [...CRATE_SOURCES, 'lib', 'bin', 'emulator/lib', 'emulator/bin', 'scripts'].flatMap(sources);
  assert.ok(tree.length > 60);
  const missing = tree.filter((file) => !map.includes(`\`${file}\``));
  assert.deepEqual(missing, [], 'add them to docs/architecture.md');
});

test('every file the architecture map names exists', () => {
  const named = [...map.matchAll(/`((?:crates|src|emulator|lib|bin|scripts)\/[^`\s]+\.\w+)`/g)].map((m) => m[1]);
  assert.ok(named.length > 60);
  assert.deepEqual(
    named.filter((file) => !existsSync(path.join(root, file))),
    [],
  );
});

/** `a::b` for `<src>/a/b.rs` and `<src>/a/b/mod.rs`; the crate root and binaries are not modules. */
const moduleName = (src, file) => {
  const relative = path
    .relative(src, file)
    .replace(/\.rs$/, '')
    .replace(/\/mod$/, '');
  return relative === 'lib' || relative === 'main' || relative.startsWith('bin/') ? null : relative.split('/').join('::');
};

/** The paths a Rust file names after `crate::`, with `crate::{a, b::{c}}` spelled out; unit tests left out. */
const cratePaths = (text) => {
  const code = text.split(/#\[cfg\(test\)\]\s*mod tests/)[0].replace(/\/\/[^\n]*/g, '');
  const paths = [];
  const expand = (prefix, body) => {
    let depth = 0;
    let start = 0;
    const parts = [];
    for (let i = 0; i <= body.length; i += 1) {
      const c = body[i];
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      if ((c === ',' && depth === 0) || i === body.length) {
        parts.push(body.slice(start, i).trim());
        start = i + 1;
      }
    }
    for (const part of parts.filter(Boolean)) {
      const group = part.match(/^([\w:]*?)::\{([\s\S]*)\}$/);
      if (group) expand(`${prefix}${group[1]}::`, group[2]);
      else paths.push(`${prefix}${part}`);
    }
  };
  for (const match of code.matchAll(/crate::\{/g)) {
    let depth = 1;
    let end = match.index + match[0].length;
    while (depth > 0 && end < code.length) {
      if (code[end] === '{') depth += 1;
      if (code[end] === '}') depth -= 1;
      end += 1;
    }
    expand('', code.slice(match.index + match[0].length, end - 1));
  }
  for (const match of code.matchAll(/crate::([a-z_][\w]*(?:::[a-z_][\w]*)*)/g)) paths.push(match[1]);
  return paths;
};

/** Each module and the modules of its crate it uses (the longest module a path starts with). */
const moduleGraph = (src) => {
  const files = sources(src).filter((file) => file.endsWith('.rs'));
  const modules = new Map(files.map((file) => [moduleName(src, file), file]).filter(([name]) => name));
  const graph = new Map();
  for (const [name, file] of modules) {
    const uses = new Set();
    for (const used of cratePaths(readFileSync(path.join(root, file), 'utf8'))) {
      const segments = used.split('::');
      for (let k = segments.length; k > 0; k -= 1) {
        const candidate = segments.slice(0, k).join('::');
        if (modules.has(candidate)) {
          // A module re-exporting its children, or a child naming its parent, is one unit.
          if (candidate !== name && !name.startsWith(`${candidate}::`) && !candidate.startsWith(`${name}::`)) uses.add(candidate);
          break;
        }
      }
    }
    graph.set(name, uses);
  }
  return graph;
};

/** The modules that reach themselves again through what they use. */
const cycles = (graph) => {
  const found = [];
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') {
      found.push([...trail.slice(trail.indexOf(name)), name].join(' → '));
      return;
    }
    state.set(name, 'open');
    for (const next of graph.get(name) ?? []) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of graph.keys()) visit(name, []);
  return found;
};

test('no module of any crate imports another that imports it back', () => {
  const graphs = CRATE_SOURCES.map((src) => [src, moduleGraph(src)]);
  assert.ok(graphs.find(([src]) => src === 'crates/tencent-sms-core/src')[1].size > 20);
  assert.deepEqual(
    graphs.flatMap(([src, graph]) => cycles(graph).map((cycle) => `${src}: ${cycle}`)),
    [],
  );
});

test('the cycle check finds a cycle, nested groups included', () => {
  const graph = new Map([
    ['a', new Set(['b'])],
    ['b', new Set(['c'])],
    ['c', new Set(['a'])],
    ['d', new Set()],
  ]);
  assert.deepEqual(cycles(graph), ['a → b → c → a']);
  assert.deepEqual(cratePaths('use crate::{x::{Y, z::W}, v};\nfn f() { crate::q::r(); }'), ['x::Y', 'x::z::W', 'v', 'q::r']);
});

/** What the pure core must never depend on or do: everything that waits on the world. */
const IO_CRATES = ['tokio', 'reqwest', 'hyper', 'rustls', 'redis', 'futures-util', 'mio', 'socket2', 'chrono'];
const IO_CALLS = /std::env|std::fs|std::net::Tcp|SystemTime|Instant::now|Utc::now|tokio::|reqwest::|eprintln!|println!|OnceLock|Mutex|Atomic|^\s*static [A-Z]/m;

test('the core crate is pure: no I/O dependency, no clock read, no process state', () => {
  const manifest = readFileSync(path.join(root, 'crates/tencent-sms-core/Cargo.toml'), 'utf8');
  const dependencies = manifest.split('[dependencies]')[1].split(/\n\[/)[0];
  const named = [...dependencies.matchAll(/^([\w-]+)\s*[.=]/gm)].map((m) => m[1]);
  assert.ok(named.includes('tencent-sms-tc3'));
  assert.deepEqual(
    named.filter((name) => IO_CRATES.includes(name)),
    [],
  );
  const impure = sources('crates/tencent-sms-core/src')
    .filter((file) => file.endsWith('.rs'))
    .filter((file) => IO_CALLS.test(readFileSync(path.join(root, file), 'utf8').split(/#\[cfg\(test\)\]\s*mod tests/)[0]));
  assert.deepEqual(impure, []);
});

test('the runtime reads the process environment in one module, and writes stderr through one', () => {
  const outside = (pattern, home) =>
    sources('crates/tencent-sms-runtime/src')
      .filter((file) => file.endsWith('.rs') && !file.endsWith(home))
      .filter((file) => pattern.test(readFileSync(path.join(root, file), 'utf8').split(/#\[cfg\(test\)\]\s*mod tests/)[0]));
  assert.deepEqual(outside(/std::env::(var|var_os|vars)\b/, 'src/process_env.rs'), []);
  assert.deepEqual(outside(/eprintln!|println!|std::io::stderr/, 'src/stderr_lines.rs'), []);
});
