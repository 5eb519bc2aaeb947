-- Drives qemlflow-lint server from a real headless Neovim (0.7 API), configured by the
-- documented snippet (docs/editors/neovim.lua), and writes what it saw to a JSON file.
-- Environment: QF_SNIPPET (the snippet), QF_FILE (the module to fix), QF_COST_FILE (a module
-- with a measured heavy import), QF_RESULTS (where the JSON goes).
local results = { steps = {} }
local TIMEOUT = 60000

local function write_results()
  local handle = assert(io.open(vim.env.QF_RESULTS, 'w'))
  handle:write(vim.fn.json_encode(results))
  handle:close()
end

local function step(name)
  table.insert(results.steps, name)
  write_results()
end

local function file_text(path)
  local handle = assert(io.open(path, 'r'))
  local text = handle:read('*a')
  handle:close()
  return text
end

local function client_of(buf)
  local found = nil
  vim.wait(TIMEOUT, function()
    for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
      if client.name == 'qemlflow-lint' and client.initialized then
        found = client
      end
    end
    return found ~= nil
  end, 50)
  assert(found, 'the qemlflow-lint client did not start')
  return found
end

local function request(buf, method, params)
  local answers, problem = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  assert(answers, method .. ' got no answer: ' .. tostring(problem))
  for _, answer in pairs(answers) do
    assert(answer.err == nil, method .. ': ' .. vim.inspect(answer.err))
    return answer.result
  end
end

local function diagnostics(buf)
  local found = {}
  for _, item in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, { line = item.lnum, col = item.col, code = item.code or '', message = item.message })
  end
  table.sort(found, function(a, b) return a.line < b.line end)
  return found
end

-- Wait until the buffer's diagnostics have ``count`` items (the server pushes them to 0.7).
local function wait_diagnostics(buf, wanted)
  local ok = vim.wait(TIMEOUT, function() return wanted(#vim.diagnostic.get(buf)) end, 50)
  assert(ok, 'no diagnostics as expected; have ' .. vim.inspect(diagnostics(buf)))
  return diagnostics(buf)
end

local function actions_on(buf, line, only)
  -- let Neovim send the last change before asking (it debounces didChange)
  vim.wait(400)
  local uri = vim.uri_from_bufnr(buf)
  local params = {
    textDocument = { uri = uri },
    range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } },
    context = { diagnostics = {}, only = only },
  }
  return request(buf, 'textDocument/codeAction', params) or {}
end

local function apply(client, action)
  assert(action.edit, 'the action has no edit: ' .. vim.inspect(action))
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('silent write')
end

local function titled(actions, prefix)
  local titles, found = {}, nil
  for _, action in ipairs(actions) do
    table.insert(titles, action.title)
    if found == nil and action.title:sub(1, #prefix) == prefix then
      found = action
    end
  end
  assert(found, 'no action "' .. prefix .. '" among ' .. vim.inspect(titles))
  return found, titles
end

local function line_of(found, code)
  for _, item in ipairs(found) do
    if item.code == code then return item end
  end
  error('no ' .. code .. ' among ' .. vim.inspect(found))
end

local function run()
  vim.cmd('filetype on')
  dofile(vim.env.QF_SNIPPET)

  -- the import cost, measured by `importtime` before Neovim started
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.QF_COST_FILE))
  local cost_buf = vim.api.nvim_get_current_buf()
  client_of(cost_buf)
  step('cost file attached')
  local hints = request(cost_buf, 'textDocument/inlayHint', {
    textDocument = { uri = vim.uri_from_bufnr(cost_buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 100, character = 0 } },
  }) or {}
  results.inlay_hints = {}
  for _, hint in ipairs(hints) do
    table.insert(results.inlay_hints, { line = hint.position.line, label = hint.label })
  end
  -- the code lens through Neovim's own code lens support
  vim.lsp.codelens.refresh()
  vim.wait(TIMEOUT, function() return #vim.lsp.codelens.get(cost_buf) > 0 end, 50)
  results.code_lenses = {}
  for _, lens in ipairs(vim.lsp.codelens.get(cost_buf)) do
    table.insert(results.code_lenses, { line = lens.range.start.line, title = lens.command and lens.command.title })
  end
  step('import cost')

  -- the module to fix
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.QF_FILE))
  local buf = vim.api.nvim_get_current_buf()
  local client = client_of(buf)
  results.diagnostics = wait_diagnostics(buf, function(n) return n >= 5 end)
  step('diagnostics')

  local qf001 = line_of(results.diagnostics, 'QF001')
  local hover = request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = qf001.line, character = qf001.col },
  })
  results.hover = hover and hover.contents and hover.contents.value or ''
  step('hover')

  local action, titles = titled(actions_on(buf, qf001.line, { 'quickfix' }), 'Fix QF001')
  results.qf001_titles = titles
  apply(client, action)
  results.after_qf001 = file_text(vim.env.QF_FILE)
  step('QF001 quick fix')

  local qf002 = line_of(wait_diagnostics(buf, function(n) return n == 4 end), 'QF002')
  apply(client, titled(actions_on(buf, qf002.line, { 'quickfix' }), 'Fix QF002'))
  results.after_qf002 = file_text(vim.env.QF_FILE)
  step('QF002 quick fix')

  wait_diagnostics(buf, function(n) return n == 3 end)
  local fix_all = titled(actions_on(buf, 0, { 'source.fixAll.qemlflow-lint' }), 'Fix all')
  results.fix_all_title = fix_all.title
  apply(client, fix_all)
  results.after_fix_all = file_text(vim.env.QF_FILE)
  results.final_diagnostics = wait_diagnostics(buf, function(n) return n == 1 end)
  step('fix-all')
end

local ok, problem = pcall(run)
if not ok then
  results.error = tostring(problem)
end
write_results()
vim.cmd('qall!')
