// The rubric extension: the language client of `rubric lsp`, and the
// "explain an account" command that asks the server for `rubric explain`'s
// text and shows it.  Colours and brackets come from the grammar and the
// language configuration, which need no code.
'use strict';

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const EXPLAIN_SCHEME = 'rubric-explain';

let client = null;
let starting = null;

function settings() {
    const c = vscode.workspace.getConfiguration('rubric');
    return {
        path: (c.get('path') || '').trim() || 'rubric',
        explainData: (c.get('explainData') || '').trim(),
        asOf: (c.get('asOf') || '').trim(),
    };
}

// The data file as the server needs it: absolute, since the server's idea
// of the workspace may not be the window's.  `~/` is the home directory; a
// relative path is relative to the first workspace folder.
function resolveData(file) {
    if (!file) return '';
    if (file === '~' || file.startsWith('~/')) file = path.join(os.homedir(), file.slice(1));
    if (path.isAbsolute(file)) return file;
    const folders = vscode.workspace.workspaceFolders;
    return folders && folders.length ? path.join(folders[0].uri.fsPath, file) : path.resolve(file);
}

// What `initialize` carries: only the settings that are set, so that the
// server never reads an empty string as a file or a date.
function initializationOptions() {
    const s = settings();
    const opts = {};
    if (s.explainData) opts.explainData = resolveData(s.explainData);
    if (s.asOf) opts.asOf = s.asOf;
    return opts;
}

function makeClient(output) {
    const s = settings();
    const folders = vscode.workspace.workspaceFolders;
    const serverOptions = {
        command: s.path,
        args: ['lsp'],
        options: folders && folders.length ? { cwd: folders[0].uri.fsPath } : {},
    };
    const clientOptions = {
        documentSelector: [
            { scheme: 'file', language: 'rubric' },
            { scheme: 'untitled', language: 'rubric' },
        ],
        initializationOptions,
        synchronize: {
            configurationSection: 'rubric',
            fileEvents: vscode.workspace.createFileSystemWatcher('**/*.rules'),
        },
        outputChannel: output,
    };
    return new LanguageClient('rubric', 'rubric language server', serverOptions, clientOptions);
}

async function start(output) {
    const c = makeClient(output);
    client = c;
    try {
        await c.start();
    } catch (e) {
        if (client === c) client = null;
        const s = settings();
        vscode.window.showErrorMessage(
            `rubric: could not start the language server \`${s.path} lsp\`: ${message(e)}. ` +
                'Set rubric.path to the rubric program.'
        );
    }
}

async function stop() {
    const c = client;
    client = null;
    if (c) {
        try {
            await c.stop();
        } catch (e) {
            // A server that already died has nothing left to stop.
        }
    }
}

function message(e) {
    return e && e.message ? e.message : String(e);
}

// The policy to explain: the code lens passes its document's URI (a string,
// as the server wrote it); from the command palette, the active editor's.
function targetUri(arg) {
    if (typeof arg === 'string' && arg) return arg;
    if (arg && typeof arg.toString === 'function' && arg.scheme) return arg.toString();
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.languageId === 'rubric') return editor.document.uri.toString();
    return null;
}

function activate(context) {
    const output = vscode.window.createOutputChannel('rubric');
    context.subscriptions.push(output);

    // Explanations open as read-only documents: nothing to save on close.
    const explained = new Map();
    let seq = 0;
    context.subscriptions.push(
        vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
            provideTextDocumentContent: (uri) => explained.get(uri.toString()) || '',
        }),
        vscode.workspace.onDidCloseTextDocument((doc) => {
            if (doc.uri.scheme === EXPLAIN_SCHEME) explained.delete(doc.uri.toString());
        })
    );

    context.subscriptions.push(
        vscode.commands.registerCommand('rubric.explainAccount', async (arg) => {
            const uri = targetUri(arg);
            if (!uri) {
                vscode.window.showErrorMessage('rubric: open a .rules file to explain an account against it.');
                return;
            }
            if (!settings().explainData) {
                const open = 'Open Settings';
                const choice = await vscode.window.showErrorMessage(
                    'rubric: set rubric.explainData to the data file (CSV, JSON or NDJSON) to explain accounts from.',
                    open
                );
                if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'rubric.explainData');
                return;
            }
            if (starting) await starting;
            if (!client || !client.isRunning()) {
                vscode.window.showErrorMessage('rubric: the language server is not running (see the rubric output).');
                return;
            }
            const typed = await vscode.window.showInputBox({
                title: 'Rubric: Explain an account',
                prompt: 'The id of the account to explain',
                placeHolder: 'ACC-000002',
                ignoreFocusOut: true,
                validateInput: (v) => (v.trim() ? null : 'Type an account id.'),
            });
            if (typed === undefined) return; // cancelled
            const account = typed.trim();
            let text;
            try {
                text = await client.sendRequest('workspace/executeCommand', {
                    command: 'rubric.explain',
                    arguments: [uri, account],
                });
            } catch (e) {
                vscode.window.showErrorMessage(`rubric: explain ${account}: ${message(e)}`);
                return;
            }
            if (typeof text !== 'string') {
                vscode.window.showErrorMessage(`rubric: explain ${account}: the server gave no text`);
                return;
            }
            const name = account.replace(/[^A-Za-z0-9_.-]/g, '_') || 'account';
            const doc = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/explain ${name}.txt`, query: String(++seq) });
            explained.set(doc.toString(), text);
            try {
                const opened = await vscode.workspace.openTextDocument(doc);
                await vscode.window.showTextDocument(opened, { preview: false, viewColumn: vscode.ViewColumn.Beside });
            } catch (e) {
                vscode.window.showErrorMessage(`rubric: could not show the explanation: ${message(e)}`);
            }
        })
    );

    // The server reads its settings when it starts: a change restarts it
    // (the rubric program itself may have changed).
    context.subscriptions.push(
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (!e.affectsConfiguration('rubric')) return;
            starting = (async () => {
                await stop();
                await start(output);
            })();
        })
    );

    starting = start(output);
    return starting;
}

function deactivate() {
    return stop();
}

module.exports = { activate, deactivate };
