// Loads an extracted .vsix's extension.js as VS Code would, with nothing
// but the `vscode` module supplied (a stand-in that answers anything):
//   node tests/editors/vscode_load.cjs EXTENSION_DIR
// Every other module must come from the .vsix itself.  Prints ok / not ok.
'use strict';

const Module = require('module');
const path = require('path');

const dir = path.resolve(process.argv[2]);
const any = new Proxy(function () {}, {
    get: (t, k) => (k === Symbol.toPrimitive ? () => '' : any),
    apply: () => any,
    construct: () => any,
});
const realResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? request : realResolve.call(this, request, ...rest);
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
    return request === 'vscode' ? any : realLoad.call(this, request, ...rest);
};

let ok = true;
const report = (good, what) => {
    ok = ok && good;
    console.log(`${good ? 'ok' : 'not ok'} - ${what}`);
};
try {
    const client = require.resolve('vscode-languageclient/node', { paths: [dir] });
    report(client.startsWith(dir + path.sep), `vscode-languageclient/node resolves inside the .vsix (${path.relative(dir, client)})`);
    const ext = require(path.join(dir, 'extension.js'));
    report(typeof ext.activate === 'function' && typeof ext.deactivate === 'function', "the .vsix's extension.js loads and exports activate and deactivate");
} catch (e) {
    report(false, `the .vsix's extension.js loads: ${e && e.message}`);
}
process.exit(ok ? 0 : 1);
