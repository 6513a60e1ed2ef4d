-- tests/editors/nvim_lsp.lua: run by tests/editors/nvim_lsp.sh inside
-- `nvim --headless --clean`, after the Neovim 0.7 set-up of docs/editors.md
-- (which starts `rubric lsp` for rubric buffers).  Drives the server as a
-- user would, through Neovim's own client: its diagnostics, its requests,
-- its workspace edits and formatting.  Every wait has a timeout, so a
-- server that hangs fails a check instead of blocking.  Appends ok / not ok
-- lines to $RESULTS; writes the server's process id to $PIDFILE.
local T = tonumber(os.getenv('NVIM_LSP_TIMEOUT') or '') or 30000 -- ms for any one wait
local ws = os.getenv('WS')
local out = assert(io.open(os.getenv('RESULTS'), 'a'))
local api = vim.api
local ERROR, WARN = vim.diagnostic.severity.ERROR, vim.diagnostic.severity.WARN

local function ok(cond, what, detail)
  local line = (cond and 'ok - ' or 'not ok - ') .. what
  if not cond and detail ~= nil then
    line = line .. ': ' .. (vim.inspect(detail):gsub('%s+', ' ')):sub(1, 800)
  end
  out:write(line .. '\n')
  out:flush()
  return cond
end

local function wait(pred)
  return vim.wait(T, pred, 20)
end

local function text_of(buf)
  return table.concat(api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n'
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

-- The 0-based line and byte column of the first plain `needle` in buf.
local function find(buf, needle)
  for i, l in ipairs(api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local c = l:find(needle, 1, true)
    if c then
      return i - 1, c - 1
    end
  end
  error('not in the buffer: ' .. needle)
end

-- Every use of `name` in buf outside comments and strings, found by
-- reading the text, not by asking the server: {line, col} (0-based).
local function uses(buf, name)
  local found = {}
  for i, l in ipairs(api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local code = l:gsub('"[^"]*"', function(s) return (' '):rep(#s) end):gsub('#.*', '')
    local from = 1
    while true do
      local s, e = code:find('%f[%w_]' .. name .. '%f[^%w_]', from)
      if not s then
        break
      end
      table.insert(found, { i - 1, s - 1 })
      from = e + 1
    end
  end
  return found
end

local client -- the rubric client, once started

-- The server's answer to one request on buf: its result, or nil and the error.
local function request(buf, method, params)
  local answers, err = vim.lsp.buf_request_sync(buf, method, params, T)
  if not answers then
    return nil, err or 'no answer'
  end
  local a = answers[client.id]
  if not a then
    return nil, 'no answer from the rubric client'
  end
  if a.err or a.error then
    return nil, a.err or a.error
  end
  return a.result
end

local function at(buf, line, col)
  return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
end

local function attached(buf)
  return wait(function()
    return client ~= nil and vim.lsp.buf_is_attached(buf, client.id)
  end)
end

local function main()
  local policy = ws .. '/rules/gitlab/use_case_health.rules'
  local tests = ws .. '/rules/gitlab/use_case_health_test.rules'
  local messy = ws .. '/rules/gitlab/messy.rules'
  local data = ws .. '/rules/gitlab/accounts.csv'

  -- Start: the documented set-up attaches a server to the policy's buffer.
  vim.cmd('edit ' .. vim.fn.fnameescape(policy))
  local pbuf = api.nvim_get_current_buf()
  ok(vim.bo.filetype == 'rubric', 'a .rules file is rubric (editors/vim in the runtime path)', vim.bo.filetype)
  local started = wait(function()
    for _, c in pairs(vim.lsp.buf_get_clients(pbuf)) do
      client = c
    end
    return client ~= nil and client.initialized == true
  end)
  if not ok(started, 'the documented set-up starts rubric lsp and Neovim initializes it') then
    return
  end
  ok(client.name == 'rubric' and client.config.root_dir == ws,
    "the server's root is the folder holding .git", { client.name, client.config.root_dir })
  local pidfile = assert(io.open(os.getenv('PIDFILE'), 'w'))
  pidfile:write(tostring(client.rpc.pid) .. '\n')
  pidfile:close()
  -- Recorded when the server ends, at :qa below.  Neovim waits for that
  -- half a second (flags.exit_timeout), then leaves; the server takes a
  -- few milliseconds, but a loaded machine (or the sanitizers' leak check
  -- at exit) can take longer, and the check is that it ends by itself.
  client.config.flags.exit_timeout = T
  client.config.on_exit = function(code, signal)
    ok(code == 0 and signal == 0, ':qa: shutdown and exit; the server ended by itself with status 0',
      { code = code, signal = signal })
  end

  -- The planted typo: one error, at its line and column.
  local tl, tc = find(pbuf, 'git_ops_userz_l28d')
  wait(function() return #vim.diagnostic.get(pbuf) > 0 end)
  local d = vim.diagnostic.get(pbuf)
  local errors = vim.diagnostic.get(pbuf, { severity = ERROR })
  ok(#errors == 1 and errors[1].lnum == tl and errors[1].col == tc and errors[1].end_col == tc + 18
    and errors[1].message:find("'git_ops_users_l28d'", 1, true) and errors[1].source == 'rubric',
    'vim.diagnostic.get: the typo is an error at its line and column', { want = { tl, tc }, got = d })

  -- Typing the fix, unsaved: the error goes; the planted lint stays, its name as code.
  local line = api.nvim_buf_get_lines(pbuf, tl, tl + 1, false)[1]
  api.nvim_buf_set_lines(pbuf, tl, tl + 1, false, { (line:gsub('git_ops_userz', 'git_ops_users')) })
  local gl, gc = find(pbuf, 'group scm =')
  local function lint_only()
    local now = vim.diagnostic.get(pbuf)
    return #now == 1 and now[1].code == 'few-metrics'
  end
  wait(lint_only)
  d = vim.diagnostic.get(pbuf)
  ok(lint_only() and d[1].severity == WARN and d[1].lnum == gl and d[1].col == gc + 6,
    'the fix typed (didChange): the error clears, the lint stays as a warning coded few-metrics', d)
  ok(vim.bo[pbuf].modified and read_file(policy):find('git_ops_userz', 1, true) ~= nil,
    'all of it without saving the buffer')
  api.nvim_buf_set_lines(pbuf, gl, gl, false, { '# rubric: allow few-metrics' })
  ok(wait(function() return #vim.diagnostic.get(pbuf) == 0 end),
    'the lint allowed by a typed pragma: no diagnostics left', vim.diagnostic.get(pbuf))

  -- A typo typed after non-ASCII text (2 and 4 bytes, 1 and 2 UTF-16
  -- units): Neovim's byte column from the server's UTF-16 one.
  local al = find(pbuf, '  applies when lower(trim(deployment))')
  local applies = api.nvim_buf_get_lines(pbuf, al, al + 1, false)[1]
  api.nvim_buf_set_lines(pbuf, al, al + 1, false,
    { '  applies when lower(trim(deployment)) = "s\u{e9}lf-managed \u{1F600}" or deploymnt = "x"' })
  local ul, uc = find(pbuf, 'deploymnt')
  wait(function() return #vim.diagnostic.get(pbuf) > 0 end)
  d = vim.diagnostic.get(pbuf)
  ok(#d == 1 and d[1].severity == ERROR and d[1].lnum == ul and d[1].col == uc and d[1].end_col == uc + 9,
    'a typo after an accent and an emoji: its byte column in Neovim', { want = { ul, uc }, got = d })
  api.nvim_buf_set_lines(pbuf, al, al + 1, false, { applies })
  ok(wait(function() return #vim.diagnostic.get(pbuf) == 0 end), 'the line typed back: no diagnostics',
    vim.diagnostic.get(pbuf))
  vim.cmd('silent write')

  -- The test file, in the same server.
  vim.cmd('edit ' .. vim.fn.fnameescape(tests))
  local tbuf = api.nvim_get_current_buf()
  ok(attached(tbuf) and #vim.lsp.get_active_clients() == 1, 'the test file is attached to the same server',
    #vim.lsp.get_active_clients())
  vim.cmd('buffer ' .. pbuf)

  -- An error typed in the policy reaches the test file that imports it
  -- (a buffer not on screen), on its import line; typed back, it goes.
  local il = find(tbuf, 'import "use_case_health.rules"')
  local ml0 = find(pbuf, 'measure ci_pipelines =')
  local mline = api.nvim_buf_get_lines(pbuf, ml0, ml0 + 1, false)[1]
  api.nvim_buf_set_lines(pbuf, ml0, ml0 + 1, false, { (mline:gsub('ci_pipelines', 'ci_pipes')) })
  -- As rubric check says of the test file: the policy's error, and each
  -- use of the name that is gone.
  local want_at = { il .. ':7' }
  for _, u in ipairs(uses(tbuf, 'ci_pipelines')) do
    table.insert(want_at, u[1] .. ':' .. u[2])
  end
  table.sort(want_at)
  local function import_error()
    local at_ = {}
    for _, x in ipairs(vim.diagnostic.get(tbuf, { severity = ERROR })) do
      local from_policy = x.message:find(policy .. ':', 1, true) == 1
      if (x.lnum == il) == from_policy then
        table.insert(at_, x.lnum .. ':' .. x.col)
      end
    end
    table.sort(at_)
    return vim.deep_equal(at_, want_at)
  end
  ok(#want_at > 3 and wait(import_error),
    "an error typed in the policy: the test file's diagnostics, the policy's on its import line",
    { want = want_at, got = vim.diagnostic.get(tbuf) })
  api.nvim_buf_set_lines(pbuf, ml0, ml0 + 1, false, { mline })
  ok(wait(function() return #vim.diagnostic.get(tbuf) == 0 and #vim.diagnostic.get(pbuf) == 0 end),
    'typed back: both files clean', { vim.diagnostic.get(tbuf), vim.diagnostic.get(pbuf) })

  -- Hover on a measure: its band lines.
  local ml, mc = find(pbuf, 'mean(ci_pipelines')
  mc = mc + 5
  local r, err = request(pbuf, 'textDocument/hover', at(pbuf, ml, mc))
  local value = r and r.contents and r.contents.value or ''
  ok(value:find('ci_pipelines', 1, true) and value:find('red    <  25%', 1, true)
    and value:find('yellow <  50%', 1, true) and value:find('green  >= 50%', 1, true),
    'hover on a measure shows its thresholds', r or err)
  api.nvim_win_set_cursor(0, { ml + 1, mc })
  vim.lsp.buf.hover()
  local float
  wait(function()
    for _, w in ipairs(api.nvim_list_wins()) do
      if api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
    return false
  end)
  ok(float and text_of(api.nvim_win_get_buf(float)):find('<  25%', 1, true),
    "vim.lsp.buf.hover() opens a window with the thresholds", float and text_of(api.nvim_win_get_buf(float)))
  if float then
    api.nvim_win_close(float, true)
  end

  -- Definition from a group member.
  local dl, dc = find(pbuf, 'measure ci_pipelines =')
  dc = dc + 8
  r, err = request(pbuf, 'textDocument/definition', at(pbuf, ml, mc))
  local loc = r and (r.uri and r or r[1])
  ok(loc and loc.uri == vim.uri_from_bufnr(pbuf) and loc.range.start.line == dl and loc.range.start.character == dc,
    "definition from a group member: the measure's line", r or err)
  api.nvim_win_set_cursor(0, { ml + 1, mc })
  vim.lsp.buf.definition()
  ok(wait(function()
    local cur = api.nvim_win_get_cursor(0)
    return cur[1] == dl + 1 and cur[2] == dc
  end), "vim.lsp.buf.definition() jumps to the measure's line", api.nvim_win_get_cursor(0))

  -- References: the uses in the policy and its test file.
  local want = {}
  for _, b in ipairs({ pbuf, tbuf }) do
    for _, u in ipairs(uses(b, 'ci_pipelines')) do
      table.insert(want, vim.uri_from_bufnr(b) .. ':' .. u[1] .. ':' .. u[2])
    end
  end
  table.sort(want)
  local params = at(pbuf, dl, dc)
  params.context = { includeDeclaration = true }
  r, err = request(pbuf, 'textDocument/references', params)
  local got = {}
  for _, l in ipairs(r or {}) do
    table.insert(got, l.uri .. ':' .. l.range.start.line .. ':' .. l.range.start.character)
  end
  table.sort(got)
  ok(#want > 5 and vim.deep_equal(got, want), 'references: every use, in the policy and its test file',
    { want = want, got = r or err })
  api.nvim_win_set_cursor(0, { dl + 1, dc })
  vim.fn.setqflist({})
  vim.lsp.buf.references()
  wait(function() return #vim.fn.getqflist() > 0 end)
  got = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    table.insert(got, vim.uri_from_bufnr(item.bufnr) .. ':' .. (item.lnum - 1) .. ':' .. (item.col - 1))
  end
  table.sort(got)
  vim.cmd('cclose')
  ok(vim.deep_equal(got, want), 'vim.lsp.buf.references(): the quickfix list has every use', got)

  -- Completion in a measure's band lines: its band names, and builtins.
  local bl = find(pbuf, 'measure scm_git_ops =') + 3 -- the `yellow` line
  r, err = request(pbuf, 'textDocument/completion', at(pbuf, bl, 2))
  local kinds = {}
  for _, item in ipairs(r and (r.items or r) or {}) do
    kinds[item.label] = item.kind
  end
  ok(kinds.red == 20 and kinds.yellow == 20 and kinds.green == 20 and kinds.mean == 3 and kinds.lower == 3
    and kinds.trim == 3 and kinds.licenses_sold ~= nil, 'completion offers the band names and the builtins',
    r or err)

  -- Document symbols: every measure and group, a group with its members.
  r, err = request(pbuf, 'textDocument/documentSymbol', { textDocument = { uri = vim.uri_from_bufnr(pbuf) } })
  local syms = {}
  for _, s in ipairs(r or {}) do
    syms[s.name] = s
  end
  local members = {}
  for _, c in ipairs(syms.ci and syms.ci.children or {}) do
    table.insert(members, c.name)
  end
  ok(syms.scm_git_ops and syms.cd_deployment_users and syms.use_case_adoption_count and syms.rag
    and vim.deep_equal(members, { 'ci_pipelines', 'ci_deployments_per_user', 'ci_deployment_users' }),
    'document symbols: the outline, a group with its members', r or err)
  vim.fn.setqflist({})
  vim.lsp.buf.document_symbol()
  wait(function() return #vim.fn.getqflist() > 0 end)
  local sl = find(pbuf, 'measure devsecops_scanners =')
  local listed = false
  for _, item in ipairs(vim.fn.getqflist()) do
    listed = listed or (item.lnum == sl + 1 and item.text:find('devsecops_scanners', 1, true) ~= nil)
  end
  vim.cmd('cclose')
  ok(listed, "vim.lsp.buf.document_symbol(): the quickfix list, a measure at its line", vim.fn.getqflist())

  -- Rename across the policy and its test file, applied by Neovim.
  local expect, originals = {}, {}
  for _, b in ipairs({ pbuf, tbuf }) do
    originals[b] = text_of(b)
    local lines = api.nvim_buf_get_lines(b, 0, -1, false)
    local found = uses(b, 'ci_pipelines')
    for i = #found, 1, -1 do
      local l, c = found[i][1] + 1, found[i][2]
      lines[l] = lines[l]:sub(1, c) .. 'ci_pipeline_users' .. lines[l]:sub(c + 13)
    end
    expect[b] = table.concat(lines, '\n') .. '\n'
  end
  params = at(pbuf, dl, dc)
  params.newName = 'ci_pipeline_users'
  r, err = request(pbuf, 'textDocument/rename', params)
  if r then
    vim.lsp.util.apply_workspace_edit(r, client.offset_encoding)
  end
  ok(r and text_of(pbuf) == expect[pbuf] and text_of(tbuf) == expect[tbuf],
    'rename: the WorkspaceEdit applied, both buffers renamed', r or err)
  vim.cmd('silent wall')
  local res = vim.fn.system({ 'rubric', 'test', tests })
  ok(vim.v.shell_error == 0, 'the renamed policy and test file, saved, pass rubric test', res)
  -- And back, as a user renames: from the test file, with Neovim's own
  -- rename (prepareRename, then the edit applied by its handler).
  vim.cmd('buffer ' .. tbuf)
  local el, ec = find(tbuf, 'expect ci_pipeline_users is')
  api.nvim_win_set_cursor(0, { el + 1, ec + 7 })
  -- Neovim sends each buffer's edits on a timer of its own (150 ms): the
  -- policy's may still be on its way, as it is when a user is that quick.
  wait(function()
    local def = request(tbuf, 'textDocument/definition', at(tbuf, el, ec + 7))
    return def ~= nil and (def.uri or def[1]) ~= nil
  end)
  vim.lsp.buf.rename('ci_pipelines')
  ok(wait(function() return text_of(pbuf) == originals[pbuf] and text_of(tbuf) == originals[tbuf] end),
    'vim.lsp.buf.rename() from the test file renames it back in both buffers', text_of(tbuf):sub(1, 300))
  vim.cmd('silent wall')

  -- Formatting: exactly rubric fmt's text.
  vim.cmd('edit ' .. vim.fn.fnameescape(messy))
  local mbuf = api.nvim_get_current_buf()
  ok(attached(mbuf), 'a messy file, attached')
  -- A burst of edits, sent as one didChange of several changes: lines
  -- deleted, inserted (with non-ASCII text), changed in their middle,
  -- joined, and one undone.  The server's text must stay the buffer's.
  local el2 = find(mbuf, 'measure   ci_deployments_per_user')
  api.nvim_buf_set_lines(mbuf, el2 - 1, el2, false, {})
  api.nvim_buf_set_lines(mbuf, 2, 2, false, { '# caf\u{e9} \u{1F600} \u{1F600}', '#  na\u{ef}ve' })
  local cl, cc = find(mbuf, 'caf\u{e9} \u{1F600}')
  api.nvim_buf_set_text(mbuf, cl, cc + 5, cl, cc + 10, { 'x\u{e9}\u{e9}', '# y' })
  local jl = find(mbuf, '#  na\u{ef}ve')
  api.nvim_win_set_cursor(0, { jl, 0 })
  vim.cmd('normal! J')
  vim.cmd('let &undolevels = &undolevels') -- a new undo step, as typing would start
  vim.cmd('normal! ddu')
  local before = text_of(mbuf)
  local fmt = vim.fn.system({ 'rubric', 'fmt', '-' }, before)
  ok(vim.v.shell_error == 0 and fmt ~= before, 'rubric fmt changes the messy file', fmt)
  vim.lsp.buf.formatting_sync(nil, T)
  ok(text_of(mbuf) == fmt, "vim.lsp.buf.formatting_sync() gives exactly rubric fmt's text", text_of(mbuf))

  -- A file with CRLF line ends (Neovim sends them as they are): the typo
  -- at its place, edits, formatting.
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/rules/gitlab/crlf.rules'))
  local cbuf = api.nvim_get_current_buf()
  ok(attached(cbuf) and vim.bo.fileformat == 'dos', 'a file with CRLF line ends, attached', vim.bo.fileformat)
  tl, tc = find(cbuf, 'git_ops_userz_l28d')
  wait(function() return #vim.diagnostic.get(cbuf) > 0 end)
  d = vim.diagnostic.get(cbuf)
  ok(#d == 1 and d[1].lnum == tl and d[1].col == tc and d[1].end_col == tc + 18,
    'CRLF: the typo at its line and column', { want = { tl, tc }, got = d })
  line = api.nvim_buf_get_lines(cbuf, tl, tl + 1, false)[1]
  api.nvim_buf_set_lines(cbuf, tl, tl + 1, false, { (line:gsub('git_ops_userz', 'git_ops_users')), '' })
  api.nvim_buf_set_lines(cbuf, 1, 3, false, { '#  \u{e9}t\u{e9}' })
  api.nvim_buf_set_text(cbuf, 0, 2, 0, 8, { 'X', '# Y' })
  before = text_of(cbuf)
  fmt = vim.fn.system({ 'rubric', 'fmt', '-' }, before)
  local fmt_ran = vim.v.shell_error == 0
  local sl2 = find(cbuf, 'group scm =')
  ok(wait(function()
    local now = vim.diagnostic.get(cbuf)
    return #now == 1 and now[1].code == 'few-metrics' and now[1].lnum == sl2 and now[1].col == 6
  end), 'CRLF: the fix and other edits typed; only the lint left, at its place', vim.diagnostic.get(cbuf))
  vim.lsp.buf.formatting_sync(nil, T)
  ok(fmt_ran and fmt ~= before and text_of(cbuf) == fmt,
    "CRLF: formatting gives rubric fmt's text", text_of(cbuf))

  -- Explain: the server's command, and the documented lens command.
  local cli = vim.fn.system({ 'rubric', 'explain', policy, data, '--account', 'ACC-000001', '--as-of', '2026-11-01' })
  local cli_ok = vim.v.shell_error == 0 and cli:find('ci_pipelines', 1, true) ~= nil
  r, err = request(pbuf, 'workspace/executeCommand',
    { command = 'rubric.explain', arguments = { vim.uri_from_bufnr(pbuf), 'ACC-000001' } })
  ok(cli_ok and r == cli, 'workspace/executeCommand rubric.explain (settings from init_options): rubric explain\'s text',
    { cli = cli, got = r or err })
  vim.cmd('buffer ' .. pbuf)
  vim.lsp.codelens.refresh()
  local lenses = {}
  wait(function()
    lenses = vim.lsp.codelens.get(pbuf)
    return #lenses > 0
  end)
  ok(#lenses == 1 and lenses[1].command.command == 'rubric.explainAccount', 'the explain code lens', lenses)
  if #lenses > 0 then
    api.nvim_win_set_cursor(0, { lenses[1].range.start.line + 1, 0 })
    vim.fn.input = function() return 'ACC-000001' end
    local wins = #api.nvim_list_wins()
    vim.lsp.codelens.run()
    wait(function() return #api.nvim_list_wins() > wins end)
    ok(#api.nvim_list_wins() > wins and vim.bo.buftype == 'nofile'
      and vim.deep_equal(api.nvim_buf_get_lines(0, 0, -1, false), vim.split(cli, '\n', { trimempty = true })),
      "vim.lsp.codelens.run(): the account's explanation in a new window", api.nvim_buf_get_lines(0, 0, -1, false))
  end

  out:write('ended\n')
  out:flush()
  vim.cmd('silent wall')
  vim.cmd('qa')
end

local done, err = xpcall(main, debug.traceback)
if not done then
  ok(false, 'the Neovim script ran to its end', err)
end
vim.cmd('qa!')
