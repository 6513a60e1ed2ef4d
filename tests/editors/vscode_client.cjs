// The VS Code extension's code (editors/vscode/extension.js) against
// stand-ins for the `vscode` module and the language client, so that it
// runs under plain Node:
//   node tests/editors/vscode_client.cjs
// It checks what the extension hands the client (the server command, the
// initialization options from the settings, the synchronized section) and
// what "Rubric: Explain an account..." does: the input box, the
// workspace/executeCommand request, the document it opens, its errors.
// Prints ok / not ok lines, then "N passed, N failed".
'use strict';

const assert = require('assert');
const Module = require('module');
const path = require('path');

// ---- The stand-ins ------------------------------------------------------------

let world; // what each test sets up and what the stand-ins record

class Uri {
    constructor(scheme, p, query) {
        Object.assign(this, { scheme, path: p, query: query || '' });
        this.fsPath = p;
    }
    static file(p) {
        return new Uri('file', p);
    }
    static from(c) {
        return new Uri(c.scheme, c.path, c.query);
    }
    toString() {
        return `${this.scheme}://${this.path}${this.query ? '?' + this.query : ''}`;
    }
}

const vscode = {
    Uri,
    ViewColumn: { Beside: -2 },
    window: {
        createOutputChannel: (name) => ({ name, dispose() {} }),
        showErrorMessage: async (m, ...buttons) => {
            world.errors.push(m);
            return world.errorChoice && buttons.includes(world.errorChoice) ? world.errorChoice : undefined;
        },
        showInputBox: async (opts) => {
            world.inputBoxes.push(opts);
            return world.typed;
        },
        showTextDocument: async (doc, opts) => world.shown.push({ doc, opts }),
        get activeTextEditor() {
            return world.activeEditor;
        },
    },
    workspace: {
        get workspaceFolders() {
            return world.folders;
        },
        getConfiguration: (section) => {
            assert.strictEqual(section, 'rubric');
            return { get: (key) => world.settings[key] };
        },
        createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
        registerTextDocumentContentProvider: (scheme, provider) => {
            world.providers[scheme] = provider;
            return { dispose() {} };
        },
        onDidCloseTextDocument: () => ({ dispose() {} }),
        onDidChangeConfiguration: (fn) => {
            world.onConfig = fn;
            return { dispose() {} };
        },
        openTextDocument: async (uri) => {
            const provider = world.providers[uri.scheme];
            return { uri, text: provider ? provider.provideTextDocumentContent(uri) : null };
        },
    },
    commands: {
        registerCommand: (id, fn) => {
            world.commands[id] = fn;
            return { dispose() {} };
        },
        executeCommand: async (id, ...args) => world.executed.push([id, ...args]),
    },
};

class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
        Object.assign(this, { id, name, serverOptions, clientOptions, running: false, stopped: false });
        world.clients.push(this);
    }
    async start() {
        if (world.startError) throw new Error(world.startError);
        this.running = true;
    }
    async stop() {
        this.running = false;
        this.stopped = true;
    }
    isRunning() {
        return this.running;
    }
    async sendRequest(method, params) {
        world.requests.push({ method, params });
        if (world.serverError) throw new Error(world.serverError);
        return world.reply;
    }
}

const realResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode' || request === 'vscode-languageclient/node') return request;
    return realResolve.call(this, request, ...rest);
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient };
    return realLoad.call(this, request, ...rest);
};

const extensionPath = path.resolve(__dirname, '../../editors/vscode/extension.js');

// A fresh extension and world for each test.
async function activated(setup) {
    world = {
        settings: { path: 'rubric', explainData: 'accounts.csv', asOf: '' },
        executed: [],
        folders: [{ uri: Uri.file('/ws') }],
        errors: [],
        inputBoxes: [],
        shown: [],
        requests: [],
        clients: [],
        commands: {},
        providers: {},
        activeEditor: undefined,
        typed: 'ACC-1',
        reply: 'account ACC-1, scored by a.rules as of 2026-11-01\n',
    };
    if (setup) setup(world);
    delete require.cache[extensionPath];
    const ext = require(extensionPath);
    const context = { subscriptions: [] };
    await ext.activate(context);
    return { ext, context };
}

// ---- The tests --------------------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push([name, fn]);

test('the client starts `RUBRIC lsp` with the rubric.path setting', async () => {
    await activated((w) => (w.settings.path = '/opt/rubric/bin/rubric'));
    assert.strictEqual(world.clients.length, 1);
    const c = world.clients[0];
    assert.strictEqual(c.id, 'rubric');
    assert.strictEqual(c.serverOptions.command, '/opt/rubric/bin/rubric');
    assert.deepStrictEqual(c.serverOptions.args, ['lsp']);
    assert.ok(c.running, 'started');
    assert.deepStrictEqual(world.errors, []);
});

test('an empty rubric.path is "rubric"', async () => {
    await activated((w) => (w.settings.path = ''));
    assert.strictEqual(world.clients[0].serverOptions.command, 'rubric');
});

test('the client serves .rules documents and synchronizes the rubric section', async () => {
    await activated();
    const o = world.clients[0].clientOptions;
    assert.ok(o.documentSelector.some((d) => d.language === 'rubric' && d.scheme === 'file'));
    assert.strictEqual(o.synchronize.configurationSection, 'rubric');
    assert.strictEqual(o.synchronize.fileEvents.glob, '**/*.rules');
});

test('initializationOptions: explainData resolved against the workspace folder, asOf as set', async () => {
    await activated((w) => Object.assign(w.settings, { explainData: 'data/accounts.csv', asOf: '2026-11-01' }));
    const opts = world.clients[0].clientOptions.initializationOptions;
    const value = typeof opts === 'function' ? opts() : opts;
    assert.deepStrictEqual(value, { explainData: path.join('/ws', 'data/accounts.csv'), asOf: '2026-11-01' });
});

test('explain with no rubric.explainData: an error that opens the setting, no request', async () => {
    await activated((w) => {
        w.settings.explainData = '';
        w.errorChoice = 'Open Settings';
    });
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.deepStrictEqual(world.requests, []);
    assert.deepStrictEqual(world.inputBoxes, []);
    assert.match(world.errors[0], /rubric\.explainData/);
    assert.deepStrictEqual(world.executed, [['workbench.action.openSettings', 'rubric.explainData']]);
});

test('initializationOptions: an absolute explainData is kept, unset settings are left out', async () => {
    await activated((w) => Object.assign(w.settings, { explainData: '/srv/accounts.ndjson' }));
    const opts = world.clients[0].clientOptions.initializationOptions;
    assert.deepStrictEqual(typeof opts === 'function' ? opts() : opts, { explainData: '/srv/accounts.ndjson' });
    world.settings.explainData = '';
    assert.deepStrictEqual(typeof opts === 'function' ? opts() : opts, {});
});

test('a server that does not start: an error naming the command and rubric.path', async () => {
    await activated((w) => {
        w.settings.path = 'no-such-rubric';
        w.startError = 'spawn no-such-rubric ENOENT';
    });
    assert.strictEqual(world.errors.length, 1);
    assert.match(world.errors[0], /no-such-rubric lsp/);
    assert.match(world.errors[0], /ENOENT/);
    assert.match(world.errors[0], /rubric\.path/);
});

test('explain from the code lens: asks for the id, sends rubric.explain [uri, id], opens the text', async () => {
    await activated((w) => (w.typed = '  ACC-1 '));
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.strictEqual(world.inputBoxes.length, 1);
    assert.deepStrictEqual(world.requests, [
        { method: 'workspace/executeCommand', params: { command: 'rubric.explain', arguments: ['file:///ws/a.rules', 'ACC-1'] } },
    ]);
    assert.strictEqual(world.shown.length, 1);
    const { doc, opts } = world.shown[0];
    assert.strictEqual(doc.uri.scheme, 'rubric-explain');
    assert.strictEqual(doc.text, world.reply);
    assert.strictEqual(opts.viewColumn, vscode.ViewColumn.Beside);
    assert.deepStrictEqual(world.errors, []);
});

test('explain from the palette: the active rubric editor is the policy', async () => {
    await activated((w) => (w.activeEditor = { document: { languageId: 'rubric', uri: Uri.file('/ws/b.rules') } }));
    await world.commands['rubric.explainAccount']();
    assert.deepStrictEqual(world.requests[0].params.arguments, ['file:///ws/b.rules', 'ACC-1']);
});

test('explain with no policy open: an error, no request', async () => {
    await activated((w) => (w.activeEditor = { document: { languageId: 'plaintext', uri: Uri.file('/ws/x.txt') } }));
    await world.commands['rubric.explainAccount']();
    assert.deepStrictEqual(world.requests, []);
    assert.match(world.errors[0], /open a \.rules file/);
});

test('explain cancelled in the input box: no request, no error', async () => {
    await activated((w) => (w.typed = undefined));
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.deepStrictEqual(world.requests, []);
    assert.deepStrictEqual(world.errors, []);
    assert.deepStrictEqual(world.shown, []);
});

test('the input box refuses an empty id', async () => {
    await activated((w) => (w.typed = undefined));
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    const validate = world.inputBoxes[0].validateInput;
    assert.ok(validate('  '));
    assert.strictEqual(validate('ACC-1'), null);
});

test("the server's error is shown, and nothing opens", async () => {
    await activated((w) => (w.serverError = "no account 'ACC-9' in accounts.csv"));
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.strictEqual(world.errors.length, 1);
    assert.match(world.errors[0], /ACC-9/);
    assert.match(world.errors[0], /no account 'ACC-9' in accounts\.csv/);
    assert.deepStrictEqual(world.shown, []);
});

test('a reply that is not text is an error', async () => {
    await activated((w) => (w.reply = null));
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.match(world.errors[0], /no text/);
    assert.deepStrictEqual(world.shown, []);
});

test('explain with the server down: an error, no request', async () => {
    await activated((w) => (w.startError = 'spawn rubric ENOENT'));
    world.errors = [];
    await world.commands['rubric.explainAccount']('file:///ws/a.rules');
    assert.deepStrictEqual(world.requests, []);
    assert.match(world.errors[0], /not running/);
});

test('a change of the rubric settings restarts the server with them', async () => {
    await activated();
    world.settings.path = '/new/rubric';
    world.settings.asOf = '2026-10-01';
    world.onConfig({ affectsConfiguration: (s) => s === 'rubric' });
    await world.commands['rubric.explainAccount']('file:///ws/a.rules'); // waits for the restart
    assert.strictEqual(world.clients.length, 2);
    assert.ok(world.clients[0].stopped, 'the old client stopped');
    assert.strictEqual(world.clients[1].serverOptions.command, '/new/rubric');
    const opts = world.clients[1].clientOptions.initializationOptions;
    assert.deepStrictEqual(typeof opts === 'function' ? opts() : opts, { explainData: path.join('/ws', 'accounts.csv'), asOf: '2026-10-01' });
    world.onConfig({ affectsConfiguration: () => false });
    assert.strictEqual(world.clients.length, 2, 'another section changes nothing');
});

// The language configuration's patterns, as VS Code compiles them (JavaScript
// regular expressions), on lines of a policy.
test('language configuration: # comments, ( and " pairs, indentation under a block', async () => {
    const conf = JSON.parse(require('fs').readFileSync(path.resolve(__dirname, '../../editors/vscode/language-configuration.json'), 'utf8'));
    assert.strictEqual(conf.comments.lineComment, '#');
    assert.deepStrictEqual(conf.brackets, [['(', ')']]);
    assert.ok(conf.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
    const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
    const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
    for (const l of ['measure scm = git_users / seats', 'scheme rag', 'group ci = mean(a, b)', 'record instance', 'action seat_expansion when usage >= 90%', 'test "green at 50%"'])
        assert.ok(inc.test(l), `indent after: ${l}`);
    for (const l of ['  red < 25%', '  na when onboarding', 'let x = 1', 'metric m = x', 'input seats: number', '  measured < 5%'])
        assert.ok(!inc.test(l), `no indent after: ${l}`);
    for (const l of ['  let x = 1', '  measure m = x', '  input seats: number', 'policy "p"', '  import "a.rules"'])
        assert.ok(dec.test(l), `outdent: ${l}`);
    for (const l of ['  red < 25%', '  given x = 1', '  expect m is red', '  priority 1', '  lettuce < 5%'])
        assert.ok(!dec.test(l), `no outdent: ${l}`);
    const word = new RegExp(conf.wordPattern, 'g');
    assert.deepStrictEqual('  green >= 12.5% and < max_by'.match(word), ['green', '12.5%', 'and', 'max_by']);
});

test('deactivate stops the client', async () => {
    const { ext } = await activated();
    await ext.deactivate();
    assert.ok(world.clients[0].stopped);
});

(async () => {
    let passed = 0;
    let failed = 0;
    for (const [name, fn] of tests) {
        try {
            await fn();
            passed++;
            console.log(`ok - ${name}`);
        } catch (e) {
            failed++;
            console.log(`not ok - ${name}`);
            console.log(String(e && e.stack ? e.stack : e).replace(/^/gm, '    '));
        }
    }
    console.log(`vscode client: ${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
})();
