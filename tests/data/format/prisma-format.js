// prisma-format.js — print Prisma's formatting of one schema file, without
// the validation that makes `prisma format` refuse schemas Prisma 7 rejects.
//
// Development aid for tests/data/format, not part of refract. It loads the
// `prisma` package that prisma-oracle.sh installs (PRISMA_ORACLE_HOME, by
// default ~/.cache/prisma-oracle) and runs the wasm formatter bundled in its
// build/cli.js: the module that defines `format` is cut out of the bundle at
// run time and evaluated on its own. Usage: node prisma-format.js FILE
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');

const home = process.env.PRISMA_ORACLE_HOME ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'prisma-oracle');
const buildDir = path.join(home, 'node_modules', 'prisma', 'build');
const bundle = fs.readFileSync(path.join(buildDir, 'cli.js'), 'utf8');

// The bundle wraps each module as `var X=P((exports,module)=>{...});`.
const at = bundle.indexOf('.format=function(');
if (at < 0) throw new Error('no formatter found in ' + buildDir + '/cli.js');
const start = bundle.lastIndexOf('=P((', at) + '=P(('.length;
const endMark = '.__wbindgen_start()});';
const end = bundle.indexOf(endMark, at) + endMark.length - 3;
const factory = new Function('__dirname', 'require',
  'return ((' + bundle.slice(start, end) + '});')(buildDir, require);
global.PRISMA_WASM_PANIC_REGISTRY = { set_message(m) { console.error('prisma panic:', m); } };
const mod = { exports: {} };
factory(mod.exports, mod);

const file = process.argv[2];
const schemas = [[file, fs.readFileSync(file, 'utf8')]];
const params = { textDocument: { uri: 'file:/dev/null' }, options: { tabSize: 2, insertSpaces: true } };
const out = JSON.parse(mod.exports.format(JSON.stringify(schemas), JSON.stringify(params)));
process.stdout.write(out[0][1]);
