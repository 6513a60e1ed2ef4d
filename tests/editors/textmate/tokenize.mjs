// The VS Code extension's TextMate grammar, run by vscode-textmate on
// vscode-oniguruma (the engine VS Code itself uses):
//   node tests/editors/textmate/tokenize.mjs ROOT GRAMMAR           the checks
//   node tests/editors/textmate/tokenize.mjs --self-test ROOT GRAMMAR
// The checks tokenize every shipped policy (rules/**/*.rules, their tests
// included), every ```rules example of the documentation and the golden
// tests' policies, and read what
// each token must be from the sources rather than from the grammar: the
// keywords from grammar/lexer.l's table, the functions from
// src/lang/builtins.h, the band names from the schemes, strings and
// comments from a scan of the text.  The self-test breaks the grammar in
// several ways and proves each breakage fails the checks.
// Prints "ok - ..." / "not ok - ..." lines, then "N passed, N failed".
// Exit 0 all passed, 1 a check failed, 2 the checks could not run.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const onig = require('vscode-oniguruma');

const args = process.argv.slice(2);
const selfTest = args[0] === '--self-test';
if (selfTest) args.shift();
if (args.length !== 2) {
    console.error('usage: node tokenize.mjs [--self-test] ROOT GRAMMAR');
    process.exit(2);
}
const [root, grammarPath] = args;

// ---- What the sources say -------------------------------------------------

const lexer = fs.readFileSync(path.join(root, 'grammar/lexer.l'), 'utf8');
const KEYWORDS = [...lexer.matchAll(/\{"([a-z]+)", [A-Z_]+\}/g)].map((m) => m[1]);
// The two words the lexer makes keywords only where a line starts.
const LINE_KEYWORDS = [...lexer.matchAll(/memcmp\(text, "([a-z]+)", \d+\) == 0\)\s*return [A-Z]+;/g)].map((m) => m[1]);
const builtinsH = fs.readFileSync(path.join(root, 'src/lang/builtins.h'), 'utf8');
const BUILTINS = [...new Set([...builtinsH.matchAll(/X\(BI_\w+, "(\w+)"/g)].map((m) => m[1]))];
if (KEYWORDS.length < 30 || LINE_KEYWORDS.length !== 2 || BUILTINS.length < 15) {
    console.error(`could not read the keywords (${KEYWORDS.length}, ${LINE_KEYWORDS.length}) or the builtins (${BUILTINS.length})`);
    process.exit(2);
}

function walk(dir) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walk(p));
        else if (e.name.endsWith('.rules')) out.push(p);
    }
    return out;
}

// Every shipped policy, every ```rules block of the docs, and the golden
// tests' policies.  How strict: 'all' checks everything; 'fixture' all but
// invalid tokens (some fixtures are broken on purpose: a bad escape...);
// 'broken' (a doc block marked `error`) only the strings and comments.
function corpus() {
    const read = (dir, strict) =>
        walk(path.join(root, dir)).sort().map((p) => ({
            name: path.relative(root, p),
            text: fs.readFileSync(p, 'utf8'),
            strict,
        }));
    const files = [...read('rules', 'all'), ...read('tests/golden', 'fixture')];
    const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => 'docs/' + f)];
    for (const doc of docs) {
        const lines = fs.readFileSync(path.join(root, doc), 'utf8').split('\n');
        for (let i = 0; i < lines.length; i++) {
            const m = /^\s*```rules\b(.*)$/.exec(lines[i]);
            if (!m) continue;
            const start = i + 1;
            const indent = /^\s*/.exec(lines[i])[0].length;
            const body = [];
            for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i].slice(indent));
            const file = /\bfile=(\S+)/.exec(m[1]);
            files.push({
                name: `${doc}:${start}${file ? ' (' + file[1] + ')' : ''}`,
                text: body.join('\n') + '\n',
                strict: /\berror\b/.test(m[1]) ? 'broken' : 'all',
            });
        }
    }
    return files;
}

// ---- Tokenizing -------------------------------------------------------------

const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
await onig.loadWASM(wasm);
const onigLib = Promise.resolve({
    createOnigScanner: (sources) => new onig.OnigScanner(sources),
    createOnigString: (s) => new onig.OnigString(s),
});

async function loadGrammar(raw) {
    const registry = new vsctm.Registry({
        onigLib,
        loadGrammar: async (scopeName) =>
            scopeName === 'source.rubric' ? vsctm.parseRawGrammar(JSON.stringify(raw), 'rubric.tmLanguage.json') : null,
    });
    const g = await registry.loadGrammar('source.rubric');
    if (!g) throw new Error('the grammar did not load');
    return g;
}

// Each line with its tokens: {start, end, text, scopes}.
function tokenize(grammar, text) {
    let stack = vsctm.INITIAL;
    const lines = text.replace(/\n$/, '').split(/\r?\n/);
    return lines.map((line) => {
        const r = grammar.tokenizeLine(line, stack, 1000);
        if (r.stoppedEarly) throw new Error(`tokenizing stopped early on: ${line}`);
        stack = r.ruleStack;
        return {
            line,
            tokens: r.tokens.map((t, i) => {
                const end = i + 1 < r.tokens.length ? r.tokens[i + 1].startIndex : line.length;
                return { start: t.startIndex, end, text: line.slice(t.startIndex, end), scopes: t.scopes };
            }),
        };
    });
}

const has = (tok, prefix) => tok.scopes.some((s) => s === prefix || s.startsWith(prefix + '.'));
const tokenAt = (l, pos) => l.tokens.find((t) => t.start <= pos && pos < t.end);

// Where the strings and the comment of a line are, by a scan of its text
// that knows what the lexer knows: "..." with \ escapes, # to the end.
function spans(line) {
    const strings = [];
    let comment = -1;
    for (let i = 0; i < line.length; i++) {
        if (line[i] === '#') {
            comment = i;
            break;
        }
        if (line[i] !== '"') continue;
        let j = i + 1;
        while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
        strings.push([i, Math.min(j + 1, line.length)]);
        i = j;
    }
    return { strings, comment };
}
const inSpan = (sp, pos) => sp.strings.some(([a, b]) => a <= pos && pos < b) || (sp.comment >= 0 && pos >= sp.comment);

// ---- The checks ---------------------------------------------------------------

const WORD = /(?<![\w.])[A-Za-z_]\w*|(?<=\.\s*)[A-Za-z_]\w*/g;
const NUMBER = /(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(%)?(?![\w.%])/g;
const DATE = /(?<![\w.])\d{4}-\d{2}-\d{2}(?!\d)/g;
const MEANINGFUL = /^(keyword|constant|variable|entity|support|string|comment|punctuation)\./;

// Checks one file; returns the list of problems (empty: it passed).
function checkFile(file, lines, bands) {
    const bad = [];
    const say = (n, l, msg) => bad.push(`${file.name}:${n + 1}: ${msg}: ${l.line.trim()}`);
    lines.forEach((l, n) => {
        const sp = spans(l.line);
        for (const [a, b] of sp.strings)
            for (let p = a; p < b; p++)
                if (!has(tokenAt(l, p), 'string.quoted.double')) {
                    say(n, l, `column ${p + 1} is in a string but not scoped as one`);
                    break;
                }
        if (sp.comment >= 0 && !l.tokens.filter((t) => t.end > sp.comment).every((t) => has(t, 'comment.line.number-sign')))
            say(n, l, `the comment from column ${sp.comment + 1} is not scoped as a comment`);
        if (file.strict === 'broken') return;
        for (const t of l.tokens) {
            if (t.scopes.some((s) => s.startsWith('invalid.'))) {
                if (file.strict === 'all') say(n, l, `'${t.text}' is ${t.scopes.at(-1)}`);
            } else if (t.text.trim() && !t.scopes.some((s) => MEANINGFUL.test(s))) say(n, l, `'${t.text}' has no scope but ${t.scopes.join(' ')}`);
        }
        for (const m of l.line.matchAll(WORD)) {
            const t = tokenAt(l, m.index);
            if (inSpan(sp, m.index) || has(t, 'constant.numeric')) continue;
            const w = m[0];
            const rest = l.line.slice(m.index + w.length);
            const lineStart = l.line.slice(0, m.index).trim() === '';
            if (BUILTINS.includes(w) && /^\s*\(/.test(rest)) {
                if (!has(t, 'support.function')) say(n, l, `function '${w}' is ${t.scopes.at(-1)}`);
            } else if (KEYWORDS.includes(w) || (LINE_KEYWORDS.includes(w) && lineStart) || (w === 'list' && /^\s+of\b/.test(rest))) {
                if (!has(t, 'keyword') && !has(t, 'constant.language'))
                    say(n, l, `keyword '${w}' is ${t.scopes.at(-1)}, not a keyword`);
            } else if (LINE_KEYWORDS.includes(w) && has(t, 'keyword')) {
                say(n, l, `'${w}' in the middle of a line is a name, but is ${t.scopes.at(-1)}`);
            } else if (bands.has(w) && (lineStart || /\bis\s+$|\bcount\s+$/.test(l.line.slice(0, m.index)))) {
                if (!has(t, 'variable.other.enummember.band')) say(n, l, `band '${w}' is ${t.scopes.at(-1)}`);
            } else if (!/^(variable|entity\.name|support\.type|keyword\.other\.unit)\b/.test(t.scopes.at(-1))) {
                say(n, l, `name '${w}' is ${t.scopes.at(-1)}`);
            }
        }
        for (const m of l.line.matchAll(DATE)) {
            if (!inSpan(sp, m.index) && !has(tokenAt(l, m.index), 'constant.numeric.date')) say(n, l, `date '${m[0]}' is not constant.numeric.date`);
        }
        for (const m of l.line.matchAll(NUMBER)) {
            if (inSpan(sp, m.index)) continue;
            const t = tokenAt(l, m.index);
            const unit = /^[ \t]+(?:days?|weeks?|months?|years?)/.test(l.line.slice(m.index + m[0].length));
            const want = m[1] ? 'constant.numeric.percent' : unit ? 'constant.numeric.duration' : 'constant.numeric';
            if (!has(t, want)) say(n, l, `'${m[0]}' is ${t.scopes.at(-1)}, not ${want}`);
            else if (m[1] && !has(tokenAt(l, m.index + m[0].length - 1), 'constant.numeric.percent')) say(n, l, `the % of '${m[0]}' is not in the percent`);
        }
    });
    return bad;
}

// Particular tokens of particular lines: [file, a text on the line (the
// first line holding it), the token, its occurrence on the line, the scope].
const EXPECT = [
    ['rules/gitlab/instance_health.rules', '# Source Code Management', '# Source Code Management', 1, 'comment.line.number-sign.rubric'],
    ['rules/gitlab/instance_health.rules', '# rubric: allow unused', 'rubric: allow', 1, 'keyword.other.directive.allow.rubric'],
    ['rules/gitlab/instance_health.rules', '# rubric: allow unused', 'unused', 1, 'constant.other.lint.rubric'],
    ['rules/gitlab/instance_health.rules', 'policy "GitLab use case health, per instance"', 'policy', 1, 'keyword.other.declaration.rubric'],
    ['rules/gitlab/instance_health.rules', 'policy "GitLab use case health, per instance"', 'version', 1, 'keyword.other.rubric'],
    ['rules/gitlab/instance_health.rules', 'policy "GitLab use case health, per instance"', '"1.0"', 1, 'string.quoted.double.rubric'],
    ['rules/gitlab/instance_health.rules', 'record instance', 'record', 1, 'keyword.other.declaration.rubric'],
    ['rules/gitlab/instance_health.rules', 'record instance', 'instance', 1, 'entity.name.type.record.rubric'],
    ['rules/gitlab/instance_health.rules', '  updated_at: date', 'updated_at', 1, 'variable.other.property.rubric'],
    ['rules/gitlab/instance_health.rules', '  updated_at: date', 'date', 1, 'support.type.primitive.rubric'],
    ['rules/gitlab/instance_health.rules', 'input instances: list of instance', 'list of', 1, 'keyword.other.rubric'],
    ['rules/gitlab/instance_health.rules', 'input instances: list of instance', 'instance', 1, 'entity.name.type.record.rubric'],
    ['rules/gitlab/instance_health.rules', 'input licenses_sold: number', 'licenses_sold', 1, 'variable.other.input.rubric'],
    ['rules/gitlab/instance_health.rules', 'let candidates = instances where', 'where', 1, 'keyword.operator.where.rubric'],
    ['rules/gitlab/instance_health.rules', 'let candidates = instances where', 'lower', 1, 'support.function.builtin.rubric'],
    ['rules/gitlab/instance_health.rules', 'let candidates = instances where', '"opt-out"', 1, 'string.quoted.double.rubric'],
    ['rules/gitlab/instance_health.rules', 'let candidates = instances where', 'na', 1, 'constant.language.na.rubric'],
    ['rules/gitlab/instance_health.rules', 'let chosen = max_by(', 'max_by', 1, 'support.function.builtin.rubric'],
    ['rules/gitlab/instance_health.rules', 'let chosen = max_by(', 'chosen', 1, 'entity.name.function.rubric'],
    ['rules/gitlab/instance_health.rules', 'param onboarding_period = 1 month', 'onboarding_period', 1, 'variable.other.constant.param.rubric'],
    ['rules/gitlab/instance_health.rules', 'param onboarding_period = 1 month', '1', 1, 'constant.numeric.duration.rubric'],
    ['rules/gitlab/instance_health.rules', 'param onboarding_period = 1 month', 'month', 1, 'keyword.other.unit.rubric'],
    ['rules/gitlab/instance_health.rules', 'scheme rag', 'rag', 1, 'entity.name.type.scheme.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    scores 0    when < 40', 'red', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    scores 0    when < 40', 'scores', 1, 'keyword.other.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    scores 0    when < 40', '0', 1, 'constant.numeric.decimal.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    scores 0    when < 40', 'when', 1, 'keyword.control.conditional.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    scores 0    when < 40', '<', 1, 'keyword.operator.comparison.rubric'],
    ['rules/gitlab/instance_health.rules', 'measure user_engagement = chosen.active_users_l28d', 'user_engagement', 1, 'entity.name.function.rubric'],
    ['rules/gitlab/instance_health.rules', 'measure user_engagement = chosen.active_users_l28d', '.', 1, 'punctuation.accessor.rubric'],
    ['rules/gitlab/instance_health.rules', 'measure user_engagement = chosen.active_users_l28d', 'active_users_l28d', 1, 'variable.other.property.rubric'],
    ['rules/gitlab/instance_health.rules', 'measure user_engagement = chosen.active_users_l28d', '/', 1, 'keyword.operator.arithmetic.rubric'],
    ['rules/gitlab/instance_health.rules', '  applies when lower(trim(chosen.deployment))', 'applies', 1, 'keyword.other.clause.rubric'],
    ['rules/gitlab/instance_health.rules', '  na when onboarding', 'na', 1, 'keyword.other.clause.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    <  50%', 'red', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/instance_health.rules', '  red    <  50%', '50%', 1, 'constant.numeric.percent.rubric'],
    ['rules/gitlab/instance_health.rules', '  green  >= 80%', '>=', 1, 'keyword.operator.comparison.rubric'],
    ['rules/gitlab/instance_health.rules', '  green  >= 80%', 'green', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/instance_health.rules', 'group ci = mean(', 'mean', 1, 'support.function.builtin.rubric'],
    ['rules/gitlab/instance_health.rules', 'group ci = mean(', 'ci', 1, 'entity.name.function.rubric'],
    ['rules/gitlab/instance_health.rules', 'group ci = mean(', ',', 1, 'punctuation.separator.comma.rubric'],
    ['rules/gitlab/instance_health.rules', 'metric use_case_adoption_count = count green of', 'count', 1, 'keyword.other.rubric'],
    ['rules/gitlab/instance_health.rules', 'metric use_case_adoption_count = count green of', 'green', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/instance_health.rules', 'metric production_instances = count(candidates)', 'count', 1, 'support.function.builtin.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'import "use_case_health.rules"', 'import', 1, 'keyword.control.import.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let scm_before = if prev(scm) is red', 'prev', 1, 'support.function.builtin.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let scm_before = if prev(scm) is red', 'is', 1, 'keyword.operator.is.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let scm_before = if prev(scm) is red', 'red', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let scm_before = if prev(scm) is red', 'if', 1, 'keyword.control.conditional.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'action seat_reduction_risk when', 'action', 1, 'keyword.other.declaration.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'action seat_reduction_risk when', 'seat_reduction_risk', 1, 'entity.name.function.action.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'action seat_reduction_risk when', '75%', 1, 'constant.numeric.percent.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'action seat_reduction_risk when', 'and', 1, 'keyword.operator.logical.rubric'],
    ['rules/gitlab/use_case_alerts.rules', '  priority 1', 'priority', 1, 'keyword.other.rubric'],
    ['rules/gitlab/use_case_alerts.rules', '  reason "only {license_utilization%}', 'reason', 1, 'keyword.other.rubric'],
    ['rules/gitlab/use_case_alerts.rules', '  reason "only {license_utilization%}', 'license_utilization', 1, 'meta.interpolation.rubric'],
    ['rules/gitlab/use_case_alerts.rules', '  reason "only {license_utilization%}', '%', 1, 'keyword.other.unit.percent.rubric'],
    ['rules/gitlab/use_case_alerts.rules', '  reason "only {license_utilization%}', '{', 1, 'punctuation.section.interpolation.begin.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let expansion_signal = if (license_utilization >= 90%) ?? false', '??', 1, 'keyword.operator.default.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let expansion_signal = if (license_utilization >= 90%) ?? false', 'false', 1, 'constant.language.boolean.rubric'],
    ['rules/gitlab/use_case_alerts.rules', 'let expansion_signal = if (license_utilization >= 90%) ?? false', '(', 1, 'punctuation.section.parens.begin.rubric'],
    ['rules/gitlab/use_case_alerts_test.rules', 'test "', 'test', 1, 'keyword.other.declaration.rubric'],
    ['rules/gitlab/use_case_health_test.rules', '  given as_of = 2026-11-01', 'given', 1, 'keyword.other.rubric'],
    ['rules/gitlab/use_case_health_test.rules', '  given as_of = 2026-11-01', '2026-11-01', 1, 'constant.numeric.date.rubric'],
    ['rules/gitlab/use_case_health_test.rules', '  expect user_engagement is red', 'expect', 1, 'keyword.other.rubric'],
    ['rules/gitlab/use_case_health_test.rules', '  expect user_engagement is red', 'red', 1, 'variable.other.enummember.band.rubric'],
    ['rules/gitlab/use_case_health_test.rules', '  expect user_engagement is na', 'na', 1, 'constant.language.na.rubric'],
    ['docs/language.md', 'let a = x + 90days', '90days', 1, 'invalid.illegal.number.rubric'],
    ['docs/language.md', 'metric a_text = "Say \\"hi\\" to C:\\\\temp"', '\\"', 1, 'constant.character.escape.rubric'],
    ['docs/language.md', 'metric a_large = 1e3', '1e3', 1, 'constant.numeric.decimal.rubric'],
    ['docs/language.md', 'metric a_percent = 12.5%', '12.5%', 1, 'constant.numeric.percent.rubric'],
    ['docs/language.md', '  yellow ≥ 50% and < 80%', '≥', 1, 'keyword.operator.comparison.rubric'],
    ['docs/language.md', '  yellow ≥ 50% and < 80%', 'yellow', 1, 'variable.other.enummember.band.rubric'],
    ['docs/language.md', 'green ≥ 80%', 'green', 1, 'variable.other.enummember.band.rubric'],
    ['docs/language.md', 'input tier: one of "free", "premium", "ultimate"', 'one', 1, 'keyword.other.rubric'],
    ['docs/language.md', '                 / seats)', ')', 1, 'punctuation.section.parens.end.rubric'],
    ['docs/language.md', '                 / seats)', 'seats', 1, 'meta.parens.rubric'],
];

function checkExpected(files, tokenized) {
    const bad = [];
    let n = 0;
    for (const [name, lineHas, text, nth, scope] of EXPECT) {
        n++;
        const idx = files.findIndex((f) => f.name === name || f.name.startsWith(name + ':'));
        let found = null;
        for (let i = idx; idx >= 0 && i < files.length && !found; i++) {
            if (files[i].name !== name && !files[i].name.startsWith(name + ':')) continue;
            const l = tokenized[i].find((x) => x.line.includes(lineHas));
            if (l) found = l;
        }
        const what = `${name}: '${text}' on "${lineHas.trim()}" is ${scope}`;
        if (!found) {
            bad.push(`${what}: no such line`);
            continue;
        }
        // The nth occurrence of the text that is not part of a longer word.
        const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const occ = [...found.line.matchAll(new RegExp(`${/^\w/.test(text) ? '(?<!\\w)' : ''}${esc}${/\w$/.test(text) ? '(?!\\w)' : ''}`, 'g'))];
        const at = occ.length >= nth ? occ[nth - 1].index : -1;
        const t = at < 0 ? null : tokenAt(found, at);
        // The tokens around it that carry the scope must span exactly the
        // text, unless the scope is one that only contains it (meta.*, a
        // comment, a duration).
        let span = '';
        if (t && t.scopes.includes(scope)) {
            const i = found.tokens.indexOf(t);
            let a = i, b = i;
            while (a > 0 && found.tokens[a - 1].scopes.includes(scope)) a--;
            while (b + 1 < found.tokens.length && found.tokens[b + 1].scopes.includes(scope)) b++;
            span = found.line.slice(found.tokens[a].start, found.tokens[b].end);
        }
        const contains = /^(meta\.|comment\.)/.test(scope) || scope === 'constant.numeric.duration.rubric';
        const ok = t && t.scopes.includes(scope) && (span === text || (contains && span.includes(text)));
        if (!ok) bad.push(`${what}: got ${t ? `'${t.text}' ${t.scopes.join(' ')}` : 'no token'}`);
    }
    return { n, bad };
}

// The grammar names every keyword of the lexer and every builtin.
function checkCoverage(raw) {
    const text = JSON.stringify(raw);
    const bad = [];
    for (const w of [...KEYWORDS, ...LINE_KEYWORDS, ...BUILTINS])
        if (!new RegExp(`[(|:?]${w}[)|\\\\]`).test(text)) bad.push(`'${w}' is not in the grammar`);
    return bad;
}

async function runAll(raw, print) {
    const out = { passed: 0, failed: 0, lines: [] };
    const report = (ok, what, problems) => {
        ok ? out.passed++ : out.failed++;
        out.lines.push(`${ok ? 'ok' : 'not ok'} - ${what}`);
        for (const p of problems.slice(0, 20)) out.lines.push(`    ${p}`);
        if (problems.length > 20) out.lines.push(`    ... and ${problems.length - 20} more`);
    };
    const grammar = await loadGrammar(raw);
    const files = corpus();
    const tokenized = files.map((f) => tokenize(grammar, f.text));
    const bands = new Set();
    for (const f of files) for (const m of f.text.matchAll(/^\s*([A-Za-z_]\w*)\s+scores\b/gm)) bands.add(m[1]);
    const cov = checkCoverage(raw);
    report(cov.length === 0, `the grammar has the ${KEYWORDS.length + LINE_KEYWORDS.length} keywords of grammar/lexer.l and the ${BUILTINS.length} functions of builtins.h`, cov);
    const shipped = files.filter((f) => f.name.startsWith('rules/')).length;
    if (shipped < 5) report(false, 'the shipped policies were found', [`only ${shipped} under rules/`]);
    files.forEach((f, i) => {
        const bad = checkFile(f, tokenized[i], bands);
        const what = { all: 'every token scoped as expected', fixture: 'every token scoped as expected (invalid ones allowed)', broken: 'strings and comments (broken on purpose)' }[f.strict];
        report(bad.length === 0, `${f.name}: ${tokenized[i].length} lines, ${what}`, bad);
    });
    const ex = checkExpected(files, tokenized);
    report(ex.bad.length === 0, `${ex.n} particular tokens have their scopes`, ex.bad);
    if (print) for (const l of out.lines) console.log(l);
    return out;
}

// ---- Main ----------------------------------------------------------------------

const raw = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));

if (!selfTest) {
    const r = await runAll(raw, true);
    console.log(`textmate: ${r.passed} passed, ${r.failed} failed`);
    process.exit(r.failed ? 1 : 0);
}

// Each mutant removes one thing from a copy of the grammar; the checks must
// fail on it, and say the failure they should.
function drop(g, pred) {
    const copy = structuredClone(g);
    let dropped = 0;
    const visit = (node) => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node.patterns)) {
            const before = node.patterns.length;
            node.patterns = node.patterns.filter((p) => !pred(p));
            dropped += before - node.patterns.length;
            node.patterns.forEach(visit);
        }
        if (node.repository) Object.values(node.repository).forEach(visit);
    };
    visit(copy);
    return { copy, dropped };
}
const MUTANTS = [
    ['without the percent rule', (p) => p.name === 'constant.numeric.percent.rubric', "is constant.numeric.decimal.rubric, not constant.numeric.percent"],
    ['without the band-line rule', (p) => p.captures && p.captures['1'] && p.captures['1'].name === 'variable.other.enummember.band.rubric' && /\^/.test(p.match), "band 'red' is"],
    ['without comments', (p) => p.include === '#comment', 'not scoped as a comment'],
    ['without the where keyword', (p) => p.name === 'keyword.operator.where.rubric', "keyword 'where' is variable.other.rubric"],
    ['without the builtin functions', (p) => p.captures && p.captures['1'] && p.captures['1'].name === 'support.function.builtin.rubric', "function 'lower' is"],
    ['without the duration rule', (p) => p.name === 'constant.numeric.duration.rubric', "'1' is constant.numeric.decimal.rubric, not constant.numeric.duration"],
];
let passed = 0;
let failed = 0;
const good = await runAll(raw, false);
if (good.failed === 0) {
    passed++;
    console.log('ok - self-test: the grammar as shipped passes');
} else {
    failed++;
    console.log(`not ok - self-test: the grammar as shipped fails ${good.failed} checks`);
}
for (const [name, pred, want] of MUTANTS) {
    const { copy, dropped } = drop(raw, pred);
    if (dropped === 0) {
        failed++;
        console.log(`not ok - self-test: a grammar ${name}: the mutation found nothing to remove`);
        continue;
    }
    const r = await runAll(copy, false);
    const text = r.lines.join('\n');
    if (r.failed > 0 && text.includes(want)) {
        passed++;
        console.log(`ok - self-test: a grammar ${name} fails (${r.failed} checks)`);
    } else {
        failed++;
        console.log(`not ok - self-test: a grammar ${name}: ${r.failed} checks failed, and none said "${want}"`);
    }
}
console.log(`textmate self-test: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
